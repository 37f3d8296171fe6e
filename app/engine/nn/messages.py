"""Every sentence a network request can be refused with, in English and Chinese, by key.

The keys belong in the catalogues `app/i18n/en.json` and `zh.json`; until they are there,
`NetworkError` renders from this table (the same arrangement as `app.engine.csvdata`).
"""

from app.engine.errors import EngineError
from app.i18n import Lang

MESSAGES: dict[Lang, dict[str, str]] = {
    "en": {
        "network.hidden_count": "{count} hidden layers; at most {limit} are allowed",
        "network.hidden_size": "hidden layer {layer} has {units} units; each layer needs 1 to "
        "{limit}",
        "network.activation_unknown": 'unknown activation "{name}"; choose one of: {choices}',
        "network.activation_count": "{count} activations for {layers} hidden layers; give one "
        "activation, or one per hidden layer",
        "network.output_unknown": 'unknown output "{name}"; choose one of: {choices}',
        "network.loss_unknown": 'unknown loss "{name}"; choose one of: {choices}',
        "network.l2": "l2 must be a finite number of at least 0, not {value}",
        "network.softmax_classes": "a softmax output needs class labels (at least 2 classes); "
        "this is a regression data set: use an identity or sigmoid output",
        "network.sigmoid_classes": "a sigmoid output has one unit, for regression or 2 classes; "
        "this data set has {classes} classes: use a softmax output",
        "network.cross_entropy_output": "cross-entropy needs a sigmoid or softmax output, not "
        "{output}: use mse, or change the output",
        "network.cross_entropy_regression": "cross-entropy needs class labels; this is a "
        "regression data set: use mse",
        "network.needs_classes": "{what} needs class labels; this is a regression data set",
        "network.init_unknown": 'unknown initialization "{name}"; choose one of: {choices}',
        "network.init_count": "the number of starts must be a whole number of at least 1, "
        "not {count}",
        "network.init_std": "gaussian initialization needs a standard deviation std >= 0, "
        "not {std}",
        "network.init_range": "uniform initialization needs finite low <= high, not "
        "low = {low}, high = {high}",
    },
    "zh": {
        "network.hidden_count": "有 {count} 个隐藏层；最多允许 {limit} 个",
        "network.hidden_size": "第 {layer} 个隐藏层有 {units} 个单元；每层需要 1 到 {limit} 个",
        "network.activation_unknown": "未知的激活函数“{name}”；可选：{choices}",
        "network.activation_count": "{layers} 个隐藏层却给了 {count} 个激活函数；"
        "请给一个激活函数，或每个隐藏层各给一个",
        "network.output_unknown": "未知的输出层“{name}”；可选：{choices}",
        "network.loss_unknown": "未知的损失函数“{name}”；可选：{choices}",
        "network.l2": "l2 必须是不小于 0 的有限数，而不是 {value}",
        "network.softmax_classes": "softmax 输出需要类别标签（至少 2 个类别）；"
        "这是回归数据集：请用 identity 或 sigmoid 输出",
        "network.sigmoid_classes": "sigmoid 输出只有一个单元，用于回归或 2 个类别；"
        "这个数据集有 {classes} 个类别：请用 softmax 输出",
        "network.cross_entropy_output": "交叉熵需要 sigmoid 或 softmax 输出，而不是 {output}："
        "请改用 mse，或更换输出层",
        "network.cross_entropy_regression": "交叉熵需要类别标签；这是回归数据集：请改用 mse",
        "network.needs_classes": "{what} 需要类别标签；这是回归数据集",
        "network.init_unknown": "未知的初始化方式“{name}”；可选：{choices}",
        "network.init_count": "起点数必须是不小于 1 的整数，而不是 {count}",
        "network.init_std": "gaussian 初始化需要标准差 std >= 0，而不是 {std}",
        "network.init_range": "uniform 初始化需要有限的 low <= high，而不是 low = {low}，"
        "high = {high}",
    },
}


class NetworkError(EngineError):
    """A network request the engine refuses: `key` names the message in `MESSAGES`.

    A ValueError (through EngineError), so the web edge maps it to 422 like any engine error;
    `str(err)` is the English sentence, `err.render("zh")` the Chinese one.
    """

    def render(self, lang: Lang) -> str:
        """The message in `lang`."""
        return MESSAGES[lang][self.key].format(**self.params)
