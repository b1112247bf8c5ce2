"""A Hugging Face model's config.json (`dscost analyze config.json -i input_ids=1x16:int64`): the
model transformers builds from it on the meta device, counted from its shapes, no weights made.

Needs torch and transformers: these tests skip without them, but under
DSCOST_REQUIRE_TRANSFORMERS=1 (.ci/run's newest-dependencies pass, which installs transformers),
where they fail."""

from __future__ import annotations

import json
import os

import pytest


def need(name: str):
    if os.environ.get("DSCOST_REQUIRE_TRANSFORMERS") == "1":
        return __import__(name)  # fail loudly: CI must run these tests
    try:
        return __import__(name)
    except Exception as err:
        pytest.skip(f"{name} does not import here ({type(err).__name__})", allow_module_level=True)


torch = need("torch")
transformers = need("transformers")
need("onnxscript")
if tuple(int(v) for v in torch.__version__.split("+")[0].split(".")[:2]) < (2, 6):  # (torch 2.5 lacks autocast's dtype on the meta device)
    pytest.skip("transformers' models on the meta device need torch >= 2.6", allow_module_level=True)

import dscost  # noqa: E402
from dscost.cli import run  # noqa: E402


def config(tmp_path, folder: str, cfg) -> str:
    (tmp_path / folder).mkdir()
    cfg.to_json_file(str(tmp_path / folder / "config.json"))
    return str(tmp_path / folder / "config.json")


def test_a_llama_config_counts_by_hand(tmp_path, capsys):
    """A Llama of 2 layers, hidden 256, MLP 512, 4 heads of 64, vocabulary 1,000, at 16 tokens, by
    hand.  Per token per layer q, k, v, o 4 x 256 x 256 = 262,144 and the MLP 3 x 256 x 512 =
    393,216 MACs: x 16 tokens 10,485,760; attention Q.K and A.V 2 x 4 heads x 16 x 16 x 64 = 131,072;
    2 layers 21,233,664, and the LM head 16 x 256 x 1,000 = 4,096,000: 25,329,664 MACs.  Params:
    embeddings 256,000, a layer 262,144 + 393,216 + 2 x 256 norms = 655,872 (x 2), the final norm
    256, the head 256,000: 1,824,000 (torch's sum of the module transformers builds)."""
    path = config(tmp_path, "tiny-llama", transformers.LlamaConfig(hidden_size=256, intermediate_size=512, num_hidden_layers=2, num_attention_heads=4,
                                                                   vocab_size=1000, architectures=["LlamaForCausalLM"]))  # fmt: skip
    capsys.readouterr()
    assert run(["analyze", path, "-i", "input_ids=1x16:int64", "-f", "json", "-q"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["model"], out["totals"]["macs"], out["totals"]["params"], out["uncounted"]) == ("tiny-llama", 25_329_664, 1_824_000, [])
    assert out["notes"][0] == f"the model of a Hugging Face config: LlamaForCausalLM(config), built by transformers {transformers.__version__} on the meta device (no weights)"
    assert "the module is on the meta device: its tensors have shapes and no values, so it is counted from the shapes (nothing was run)" in out["notes"]
    with torch.device("meta"):
        assert sum(p.numel() for p in transformers.LlamaForCausalLM(transformers.AutoConfig.from_pretrained(path)).parameters()) == 1_824_000
    assert run(["analyze", path]) == 2  # (every input of a transformers forward is optional: the hint names the ids, typed)
    assert capsys.readouterr().err.endswith("): --input-shape input_ids=1x128:int64\n")
    assert run(["analyze", path, "-i", "tokens=1x16:int64"]) == 2  # (found by round 62: a forward's **kwargs takes any name)
    assert capsys.readouterr().err.endswith("; 'tokens' is no named parameter of the forward, which passed it to its **kwargs: check the name\n")
    assert run(["analyze", path, "-i", "input_ids=1x16:int64", "-i", "atention_mask=1x16:int64", "-f", "json", "-q"]) == 0
    misspelt = json.loads(capsys.readouterr().out)
    assert misspelt["totals"]["macs"] == 25_329_664
    assert "'atention_mask': no named parameter of the forward, given to its **kwargs, where a name it does not read is ignored" in misspelt["notes"]
    two = config(tmp_path, "two-layers-more", transformers.LlamaConfig(hidden_size=256, intermediate_size=512, num_hidden_layers=4, num_attention_heads=4,
                                                                       vocab_size=1000, architectures=["LlamaForCausalLM"]))  # fmt: skip
    assert run(["analyze", path, two, "-i", "input_ids=1x16:int64", "-f", "json", "-q", "--jobs", "2"]) == 0  # (JSON Lines, in input order)
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(d["model"], d["totals"]["macs"], d["totals"]["params"]) for d in lines] == [("tiny-llama", 25_329_664, 1_824_000),
                                                                                     ("two-layers-more", 25_329_664 + 2 * 10_616_832, 1_824_000 + 2 * 655_872)]  # fmt: skip


def test_a_vit_config_counts_its_published_flops(tmp_path):
    """ViT-B/16 at 224 (ViTConfig's defaults): 17.56 GFLOPs as published (MACs), exactly 115,605,504
    for the patch embedding, 12 x (4 x 197 x 768^2 + 2 x 197^2 x 768 + 2 x 197 x 768 x 3,072) for the
    encoder and 768 x 2 for the classifier: 17,563,061,760; 85,800,194 params.  A shape without a name
    is the forward's first input (pixel_values)."""
    path = config(tmp_path, "vit", transformers.ViTConfig(architectures=["ViTForImageClassification"]))
    a = dscost.analyze(path, input_shape=(1, 3, 224, 224))
    assert a.totals.macs == 115_605_504 + 12 * (4 * 197 * 768**2 + 2 * 197**2 * 768 + 2 * 197 * 768 * 3072) + 768 * 2 == 17_563_061_760
    assert (a.totals.params, a.model.uncounted) == (85_800_194, [])


def test_what_a_config_cannot_give_is_said_in_one_line(tmp_path, capsys):
    """A .json file that is no config, a model type transformers does not know, a run of a model
    without values (bench, --measure-sizes), a factory's options: one line each, exit 2.  A config
    without architectures is built by AutoModel (the model without a head), and --meta changes nothing."""
    (tmp_path / "other.json").write_text('{"a": 1}')
    (tmp_path / "broken.json").write_text('{"model_type": ')
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "config.json").write_text('{"model_type": "zzz-not-a-model"}')
    gpt = config(tmp_path, "gpt", transformers.GPT2Config(n_layer=1, n_embd=64, n_head=4, vocab_size=500, bos_token_id=0, eos_token_id=0))
    cases = [
        (["analyze", f"{tmp_path}/other.json"], f"{tmp_path}/other.json: not a Hugging Face config.json (no \"model_type\"); dscost reads a .json file as one"),
        (["analyze", f"{tmp_path}/broken.json"], f"{tmp_path}/broken.json: not valid JSON (JSONDecodeError: Expecting value: line 1 column 16 (char 15)); dscost reads a .json file as a Hugging Face config.json"),
        (["analyze", gpt, "-i", "input_ids=1x8:int64", "--measure-sizes"], f"--measure-sizes applies to ONNX graphs and PyTorch modules only; {gpt} is a Hugging Face config (built on the meta device, its model has no values to run)"),
        (["analyze", gpt, "--arg", "n=1"], f"--kwargs/--arg apply to PyTorch modules only; {gpt} is a Hugging Face config"),
        (["bench", gpt, "-i", "input_ids=1x8:int64"], f"{gpt}: bench runs the model, and a Hugging Face config's is built on the meta device (shapes without values); give the model with its weights as package.module:factory"),
    ]  # fmt: skip
    for args, line in cases:
        capsys.readouterr()
        assert run(args) == 2, args
        assert capsys.readouterr().err == f"dscost: error: {line}\n"
    assert run(["analyze", f"{tmp_path}/new/config.json"]) == 2
    assert capsys.readouterr().err.startswith(f"dscost: error: {tmp_path}/new/config.json: transformers {transformers.__version__} cannot read it: ValueError: ")
    a = dscost.analyze(gpt, input_shape="input_ids=1x8:int64", meta=True)  # (a GPT2Model: 8 tokens x (3 x 64^2 + 64^2 + 2 x 64 x 256) + 2 x 4 heads x 8 x 8 x 16)
    assert (a.totals.macs, a.model.notes[0]) == (8 * (4 * 64 * 64 + 2 * 64 * 256) + 2 * 4 * 8 * 8 * 16,
                                                 f"the model of a Hugging Face config: AutoModel.from_config, built by transformers {transformers.__version__} on the meta device (no weights)")  # fmt: skip


def test_a_configs_dtype_sizes_memory(tmp_path, capsys):
    """A config saved with dtype bfloat16 (its weights' type on the hub): the model is built in
    float32 on meta, which counts the same, and memory is sized at bf16.  A Llama of 1 layer,
    hidden 64, MLP 128, vocabulary 100: embeddings 6,400 + q, k, v, o 16,384 + MLP 24,576 + 2
    norms 128 + final norm 64 + head 6,400 = 53,952 params, 107,904 bytes at 2 B."""
    path = config(tmp_path, "bf16-llama", transformers.LlamaConfig(hidden_size=64, intermediate_size=128, num_hidden_layers=1, num_attention_heads=2,
                                                                   vocab_size=100, architectures=["LlamaForCausalLM"], dtype="bfloat16"))  # fmt: skip
    capsys.readouterr()
    assert run(["analyze", path, "-i", "input_ids=1x8:int64", "-f", "json", "-q"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["totals"]["params"] == 53_952
    assert (out["memory"]["dtype"], out["memory"]["dtype_source"], out["memory"]["weight_bytes"]) == ("bf16", "model", 107_904)
    assert out["notes"][1] == "the config's dtype is bfloat16: memory and roofline bytes are sized at bf16 (--dtype sizes another)"
    assert run(["analyze", path, "-i", "input_ids=1x8:int64", "-f", "json", "-q", "--dtype", "fp32"]) == 0
    assert json.loads(capsys.readouterr().out)["memory"]["weight_bytes"] == 215_808
    wide = config(tmp_path, "f64-llama", transformers.LlamaConfig(hidden_size=64, intermediate_size=128, num_hidden_layers=1, num_attention_heads=2,
                                                                  vocab_size=100, architectures=["LlamaForCausalLM"], dtype="float64"))  # fmt: skip
    assert run(["analyze", wide, "-i", "input_ids=1x8:int64", "-f", "json", "-q"]) == 0
    mem = json.loads(capsys.readouterr().out)["memory"]  # (float64 weights at their 8 bytes; activations not sized at it: fp32, said)
    assert (mem["dtype"], mem["dtype_source"], mem["weight_dtype"], mem["weight_bytes"]) == ("fp32", "default", "float64", 431_616)
    assert mem["notes"] == ["activations sized at fp32: most of the model's weights are float64, a type dscost does not size activations at (--dtype sizes another)"]


def test_a_config_naming_code_of_its_own_beside_a_known_type_says_which_class_counted(tmp_path, capsys):
    """Round 66 (a README audit): a Llama config whose auto_map names a class of its own was counted
    as transformers' LlamaForCausalLM without a word; the repository's code may differ from it."""
    cfg = transformers.LlamaConfig(hidden_size=64, intermediate_size=128, num_hidden_layers=1, num_attention_heads=2, vocab_size=100,
                                   architectures=["LlamaForCausalLM"])  # fmt: skip
    cfg.auto_map = {"AutoModelForCausalLM": "modeling_x.XForCausalLM"}
    path = config(tmp_path, "remote", cfg)
    capsys.readouterr()
    assert run(["analyze", path, "-i", "input_ids=1x8:int64", "-f", "json", "-q"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["totals"]["params"] == 53_952  # (the same Llama as the bf16 one above)
    assert out["notes"][1] == ("the config names code of its own (auto_map: modeling_x.XForCausalLM), which dscost does not run: counted as "
                               "transformers' own LlamaForCausalLM; where that code differs, give the model as package.module:factory")  # fmt: skip
