"""One engine call per run: plans, budgets, per-start hyperparameters, collected arrays."""

import numpy as np
import pytest

from app.engine.errors import EngineError
from app.engine.hyperparams import SGD
from app.engine.objectives.quadratic import QuadraticObjective
from app.engine.objectives.surfaces import SurfaceObjective, get_surface
from app.engine.optimizers import get_rule
from app.engine.runner import Descent, RunConfig
from app.engine.session import Limits, RunPlan, start_run
from app.engine.starts import as_batch

BOWL = SurfaceObjective(get_surface("bowl"))


def _plan(**overrides: object) -> RunPlan:
    base: dict[str, object] = {
        "objective": BOWL,
        "optimizer": "sgd",
        "hyper": {"lr": 0.1},
        "points": [[1.0, -2.0], [0.5, 0.5]],
        "steps": 10,
    }
    return RunPlan(**{**base, **overrides})  # type: ignore[arg-type]


def test_collect_groups_records_by_trajectory() -> None:
    got = start_run(_plan(every=5, tol=0.0), Limits()).collect()
    np.testing.assert_array_equal(got.offsets, [0, 3, 6])
    np.testing.assert_array_equal(got.steps, [0, 5, 10, 0, 5, 10])
    # GD on x² + y² multiplies the point by (1 - 2 lr) = 0.8 per step.
    expected = (
        np.array([[1.0, -2.0], [0.5, 0.5]])[:, None, :] * 0.8 ** np.array([0, 5, 10])[None, :, None]
    )
    np.testing.assert_allclose(got.points, expected.reshape(6, 2), rtol=1e-12)
    np.testing.assert_allclose(got.loss, np.sum(got.points**2, axis=1), rtol=1e-12)


def test_per_start_learning_rates_equal_separate_runs() -> None:
    q = QuadraticObjective([1.0, 30.0], rotation_seed=2)
    lrs = [0.001, 0.03, 0.06]
    start = [0.7, -0.3]
    plan = _plan(objective=q, hyper={"lr": lrs, "momentum": 0.5}, points=[start] * 3, tol=0.0)
    got = start_run(plan, Limits()).collect()
    for k, lr in enumerate(lrs):
        config = RunConfig(steps=10, tol=0.0)
        alone = Descent(q, get_rule("sgd"), SGD(lr=lr, momentum=0.5), as_batch([start]), config)
        points = np.concatenate([f.points for f in alone.frames()])
        np.testing.assert_array_equal(got.points[got.offsets[k] : got.offsets[k + 1]], points)


def test_generated_starts_default_to_the_objective_start_region() -> None:
    q = QuadraticObjective(np.ones(5), center=[10.0, 0.0, 0.0, 0.0, -10.0])
    run = start_run(
        _plan(objective=q, points=None, init={"kind": "uniform", "count": 50}), Limits()
    )
    assert run.starts.shape == (50, 5)
    assert np.all(np.abs(run.starts - q.center) <= 1.0)


@pytest.mark.parametrize(
    ("overrides", "limits", "key"),
    [
        ({"steps": 11}, Limits(max_steps=10), "error.steps_cap"),
        ({}, Limits(max_starts=1), "error.starts_cap"),
        ({"steps": 10}, Limits(max_work=19), "error.work_cap"),
        ({"every": 1}, Limits(max_recorded_points=23), "error.recorded_cap"),
        ({"bound": 1.5}, Limits(), "error.start_beyond_bound"),
        ({"points": [[1.0, 2.0, 3.0]]}, Limits(), "error.coordinates"),
        ({"hyper": {"lr": [0.1, 0.2, 0.3]}}, Limits(), "error.hyper_length"),
    ],
)
def test_refusals_name_their_message(
    overrides: dict[str, object], limits: Limits, key: str
) -> None:
    with pytest.raises(EngineError) as caught:
        start_run(_plan(**overrides), limits)
    assert caught.value.key == key
    assert caught.value.render("zh") != str(caught.value)  # both languages exist


def test_work_budget_counts_the_objective_cost() -> None:
    q = QuadraticObjective(np.ones(400), rotation_seed=0)  # cost P²/8 = 20,000 per row-step
    plan = _plan(objective=q, points=None, init={"kind": "gaussian", "count": 10}, steps=100)
    with pytest.raises(EngineError, match="cost 20000 per evaluation"):
        start_run(plan, Limits(max_work=1e7))
    assert start_run(plan, Limits(max_work=2e7)).starts.shape == (10, 400)


def test_distinct_hyperparameter_sets_count_as_work() -> None:
    lrs = [0.001 * (i + 1) for i in range(50)]
    plan = _plan(points=[[1.0, 1.0]] * 50, hyper={"lr": lrs}, steps=100)
    # 50 rows x 100 steps, plus 49 extra sets x 1000 x 100 steps.
    with pytest.raises(EngineError, match="4,905,000"):
        start_run(plan, Limits(max_work=4_000_000))
    assert start_run(plan, Limits(max_work=5_000_000)).starts.shape == (50, 2)


def test_zero_initialization_starts_everyone_at_the_origin() -> None:
    run = start_run(_plan(points=None, init={"kind": "zeros", "count": 5}), Limits())
    np.testing.assert_array_equal(run.starts, np.zeros((5, 2)))


def test_layer_initializations_need_a_network() -> None:
    with pytest.raises(EngineError) as caught:
        start_run(_plan(points=None, init={"kind": "xavier", "count": 2}), Limits())
    assert caught.value.key == "error.init_needs_layers"


def test_a_network_starts_from_its_own_initializations() -> None:
    from app.engine.datasets import make_dataset
    from app.engine.nn import NetworkSpec
    from app.engine.objectives.network import NetworkObjective

    net = NetworkObjective(make_dataset("xor", 40, 0.1, 0), NetworkSpec(hidden=(4,)))
    # With neither starts nor init: one Xavier start with seed 0, biases 0.
    run = start_run(_plan(objective=net, points=None, hyper={"lr": 0.1}), Limits())
    assert run.starts.shape == (1, net.dim)
    assert np.all(run.starts[0, net.is_bias] == 0)
    bound = np.sqrt(6 / (net.fan_in + net.fan_out))
    assert np.all(np.abs(run.starts[0]) <= bound)
    he = start_run(
        _plan(objective=net, points=None, init={"kind": "he", "count": 4000, "seed": 1}),
        Limits(),
    ).starts
    first = ~net.is_bias & (net.fan_in == 2)  # W1 has fan-in 2: std √(2/2) = 1
    assert np.std(he[:, first]) == pytest.approx(1.0, rel=0.05)
