"""GET /api/v1/datasets and POST /api/v1/datasets/sample: the catalogue, seeded samples, CSV."""

from typing import Any

import httpx
import numpy as np
import pytest

from app.api.data_schemas import DatasetInfo, SampleResult
from tests.api.helpers import post_json
from tests.api.test_languages import is_chinese

DATASETS = "/api/v1/datasets"
SAMPLE = "/api/v1/datasets/sample"
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}


def sample(client: httpx.Client, dataset: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """The samples of `dataset`, checked against the declared reply model."""
    got: dict[str, Any] = post_json(client, SAMPLE, {"dataset": dataset}, **kwargs)
    SampleResult.model_validate(got)
    return got


def refusal(client: httpx.Client, body: dict[str, Any], path: str = SAMPLE, **kwargs: Any) -> str:
    """The message of the 422 that `body` gets."""
    reply = client.post(path, json=body, **kwargs)
    assert reply.status_code == 422, reply.text
    message: str = reply.json()["message"]
    return message


def test_the_catalogue_lists_every_set_in_both_languages(client: httpx.Client) -> None:
    en = client.get(DATASETS).json()
    zh = client.get(DATASETS, headers=ZH).json()
    for entry in en:
        DatasetInfo.model_validate(entry)
    assert [d["name"] for d in en] == [
        "line",
        "curve",
        "blobs",
        "moons",
        "circles",
        "xor",
        "spiral",
    ]
    assert {d["name"]: d["kind"] for d in en if d["dim"] == 1} == {
        "line": "regression",
        "curve": "regression",
    }
    moons = next(d for d in en if d["name"] == "moons")
    assert moons["title"] == "Moons"
    assert [p["name"] for p in moons["params"]] == ["n", "noise", "seed"]
    n = moons["params"][0]
    assert (n["default"], n["low"], n["high"], n["integer"]) == (200, 10, 10_000, True)
    blobs = next(d for d in en if d["name"] == "blobs")
    classes = blobs["params"][-1]
    assert (classes["name"], classes["low"], classes["high"], classes["default"]) == (
        "classes",
        2,
        5,
        3,
    )
    for e, z in zip(en, zh, strict=True):
        assert (e["name"], e["kind"], e["dim"]) == (z["name"], z["kind"], z["dim"])
        assert is_chinese(z["title"]) or z["name"] == "xor"
        assert is_chinese(z["description"]), z
        assert not is_chinese(e["description"]), e
        assert all(is_chinese(p["description"]) for p in z["params"])
    assert next(d for d in zh if d["name"] == "xor")["title"] == "异或"


def test_a_sample_is_a_pure_function_of_its_seed(client: httpx.Client) -> None:
    spec = {"name": "moons", "n": 50, "noise": 0.1, "seed": 3}
    first, again = sample(client, spec), sample(client, spec)
    assert first == again
    other = sample(client, {**spec, "seed": 4})
    assert other["X"] != first["X"]
    assert first["kind"] == "classification"
    assert first["classes"] == 2
    assert first["feature_names"] == ["x0", "x1"]
    X, y = np.array(first["X"]), np.array(first["y"])
    assert X.shape == (50, 2)
    assert sorted(set(first["y"])) == [0, 1]
    assert all(isinstance(label, int) for label in first["y"])
    assert np.bincount(y).tolist() == [25, 25]


@pytest.mark.parametrize("name", ["moons", "blobs", "circles", "xor", "spiral"])
def test_noise_moves_the_points_but_never_a_label(client: httpx.Client, name: str) -> None:
    calm = sample(client, {"name": name, "n": 100, "noise": 0.0, "seed": 7})
    noisy = sample(client, {"name": name, "n": 100, "noise": 0.5, "seed": 7})
    assert calm["y"] == noisy["y"]
    assert calm["X"] != noisy["X"]


def test_a_regression_set_has_numbers_for_targets(client: httpx.Client) -> None:
    got = sample(client, {"name": "line", "n": 40, "noise": 0.0})
    X, y = np.array(got["X"]), np.array(got["y"])
    assert (got["kind"], got["classes"], got["feature_names"]) == ("regression", 0, ["x"])
    np.testing.assert_allclose(y, 2 * X[:, 0] + 1, rtol=1e-12)  # noise 0: the clean line


def test_classes_and_default_noise(client: httpx.Client) -> None:
    got = sample(client, {"name": "spiral", "n": 60, "classes": 4})
    assert got["classes"] == 4
    assert sorted(set(got["y"])) == [0, 1, 2, 3]
    assert sample(client, {"name": "spiral", "n": 60, "noise": 0.05, "classes": 4}) == got


@pytest.mark.parametrize(
    ("dataset", "en", "zh"),
    [
        ({"name": "moons", "noise": 1.5}, "moons: noise must be between 0 and 1", "moons：noise"),
        ({"name": "moons", "classes": 3}, "moons has 2 classes; leave classes out", "固定有 2"),
        ({"name": "nope"}, "unknown data set 'nope'; choose one of: line, curve,", "未知的数据集"),
        ({"name": "moons", "n": 9}, "dataset.n: Input should be greater than or equal", "应大于"),
        ({"name": "moons", "csv": "x,y\n1,0"}, "dataset must be a generated set", "必须是生成"),
    ],
)
def test_bad_generated_sets_are_422s_in_both_languages(
    client: httpx.Client, dataset: dict[str, Any], en: str, zh: str
) -> None:
    assert en in refusal(client, {"dataset": dataset})
    message = refusal(client, {"dataset": dataset}, headers=ZH)
    assert zh in message, message


def test_a_csv_file_becomes_a_data_set(client: httpx.Client) -> None:
    text = "height,weight,label\n1.5,50,0\n1.8,80,1\n\n1.7,65,2\n"
    got = sample(client, {"csv": text, "target": "label"})
    assert got == {
        "X": [[1.5, 50.0], [1.8, 80.0], [1.7, 65.0]],
        "y": [0, 1, 2],
        "kind": "classification",
        "classes": 3,
        "feature_names": ["height", "weight"],
        "target_name": "label",
    }
    regression = sample(client, {"csv": "x,y\n1,2.5\n2,4.0\n", "target": "y"})
    assert (regression["kind"], regression["y"]) == ("regression", [2.5, 4.0])


CSV_ERRORS = [
    (
        "a,b,y\n1,2,0\n3,,1\n",
        'line 3, column "b": the value is missing',
        "第 3 行，“b”列：缺少数值",
    ),
    (
        "a,b,y\n1,2,0\n\n3,abc,1\n",
        'line 4, column "b": "abc" is not a number',
        "第 4 行，“b”列：“abc”不是数字",
    ),
    ("a,b,y\n1,2,0\n3,nan,1\n", 'line 3, column "b": "nan" is not a finite number', "不是有限的数"),
    ("a,b,y\n1,2,0\n3,4\n", "line 3: 2 values, but the header has 3 columns", "第 3 行：有 2 个值"),
    ("a,b,y\n1,2,0\n3,4,7\n", 'line 3, column "y": class label 7 is not in 0 .. 1', "类别标签 7"),
    ("a,b,z\n1,2,0\n", 'there is no column "y"; the columns are: "a", "b", "z"', "没有名为“y”的列"),
    ("a,b,y\n", "the file has a header but no data rows", "文件只有表头"),
]


@pytest.mark.parametrize(("text", "en", "zh"), CSV_ERRORS)
def test_a_bad_csv_file_is_a_422_naming_line_and_column(
    client: httpx.Client, text: str, en: str, zh: str
) -> None:
    body = {"dataset": {"csv": text, "target": "y"}}
    assert refusal(client, body).startswith(f"dataset.csv: {en}")
    assert refusal(client, body, headers=ZH).startswith("dataset.csv: ")
    assert zh in refusal(client, body, headers=ZH)


def test_a_rejected_file_is_not_echoed(client: httpx.Client) -> None:
    secret = "s3cret-row-that-must-not-come-back"
    text = f"a,b,y\n1,2,0\n3,x,1\n{secret},1,1\n"
    reply = client.post(SAMPLE, json={"dataset": {"csv": text, "target": "y"}})
    assert reply.status_code == 422
    assert secret not in reply.text
    assert "3,x,1" not in reply.text


def test_files_are_capped_at_10000_rows_and_20_features(client: httpx.Client) -> None:
    rows = "\n".join(f"{i},{i % 2}" for i in range(10_001))
    message = refusal(client, {"dataset": {"csv": f"x,y\n{rows}\n", "target": "y"}})
    assert message == "dataset.csv: line 10002: more than 10000 data rows; at most 10000 allowed"
    header = ",".join(f"f{j}" for j in range(21)) + ",y"
    wide = f"{header}\n" + ",".join(["1"] * 22) + "\n"
    message = refusal(client, {"dataset": {"csv": wide, "target": "y"}})
    assert message == "dataset.csv: line 1: 21 feature columns; at most 20 allowed"


def test_the_largest_file_is_read_quickly(client: httpx.Client) -> None:
    rng = np.random.default_rng(0)
    table = np.column_stack([rng.standard_normal((10_000, 20)), rng.integers(0, 3, 10_000)])
    header = ",".join(f"f{j}" for j in range(20)) + ",y"
    lines = [",".join(f"{v:.6g}" for v in row[:-1]) + f",{int(row[-1])}" for row in table]
    got = sample(client, {"csv": header + "\n" + "\n".join(lines), "target": "y"})
    assert (len(got["X"]), len(got["X"][0]), got["classes"]) == (10_000, 20, 3)
    np.testing.assert_allclose(got["X"], table[:, :-1], rtol=1e-5)
