"""A Hugging Face model's ``config.json`` (``dscost analyze config.json -i input_ids=1x128:int64``):
what the model it describes costs, without its weights.

transformers reads the file (``AutoConfig.from_pretrained`` of the local file: no download, no
code of the model's own -- a config that needs its ``auto_map`` code is refused, as transformers
refuses it without ``trust_remote_code``) and builds the class its ``architectures`` names
(``LlamaForCausalLM``: the head included; ``AutoModel.from_config`` when it names none) under
``torch.device("meta")``: tensors with shapes and no values, so a 70B model is built in seconds and
no memory.  The PyTorch reader counts that module from its shapes (:mod:`dscost.readers.torch_meta`);
its inputs are the forward's, given by name (``input_ids=1x2048:int64``), in float32 unless typed.
Needs torch (>= 2.6: 2.5 lacks ops on the meta device that transformers' rotary embeddings use) and
transformers (``pip install '.[torch]' transformers``; .ci/run tests transformers 5.25.0)."""

from __future__ import annotations

import json
from pathlib import Path

from dscost.dtypes import DTYPE_BYTES, ONNX_TYPES, dtype_name
from dscost.errors import InputError
from dscost.layers import Model
from dscost.readers.handlers import few
from dscost.readers.torch_files import count_file
from dscost.readers.torch_meta import built_on_meta
from dscost.readers.torch_reader import count_module
from dscost.readers.torch_run import fail, first_line

MAX_BYTES = 1 << 20  # a config.json is a few KB; anything this large is something else


def read_hf_config(path: str | Path, input_shapes: dict[str, tuple] | None = None, input_dtypes: dict[str, str] | None = None,
                   input_values: dict[str, int] | None = None, progress: bool = False, meta: bool = True) -> Model:
    """Count the model a Hugging Face ``config.json`` at ``path`` describes, built on the meta device
    (module docstring), at the forward inputs ``input_shapes`` (and ``input_dtypes``, ``input_values``:
    as for a PyTorch target).  ``meta`` is always so (``--meta`` is accepted, and changes nothing)."""
    label = str(path)
    config = _config_dict(Path(path))

    def load(torch):
        try:
            import transformers
        except ImportError as err:
            raise fail(f"{label}: a Hugging Face config: building its model needs transformers (pip install transformers)", err) from None
        try:
            read = transformers.AutoConfig.from_pretrained(label)
        except Exception as err:
            if "auto_map" in config:  # (transformers would run the model's own code, trust_remote_code=True: not dscost's to give)
                raise InputError(f"{label}: its model type {config['model_type']!r} comes with code of its own (auto_map), which dscost does not run; "
                                 "give the model as package.module:factory, where trust_remote_code=True is yours to give") from None
            raise InputError(f"{label}: transformers {transformers.__version__} cannot read it: {first_line(err)}") from None
        arch = next(iter(read.architectures or ()), None)
        cls = getattr(transformers, arch, None) if isinstance(arch, str) else None
        if not (isinstance(cls, type) and issubclass(cls, transformers.PreTrainedModel)):
            build = transformers.AutoModel.from_config
            built = f"AutoModel.from_config (its architectures, {arch!r}, name no class of transformers {transformers.__version__})" if arch else "AutoModel.from_config"
        else:
            build, built = cls, f"{cls.__name__}(config)"
        try:
            module = built_on_meta(build, torch, read)
        except Exception as err:
            raise fail(f"{label}: transformers {transformers.__version__} cannot build {built} on the meta device: {first_line(err)}", err) from None
        return module, f"the model of a Hugging Face config: {built}, built by transformers {transformers.__version__} on the meta device (no weights)"

    def count(loaded, bar) -> tuple[Model, Path]:  # (the ONNX file's path too, as count_file's callers return it; removed by now)
        module, note = loaded
        given = config.get("_name_or_path")  # (the hub id or folder it was saved from: meta-llama/Llama-2-7b-hf; else the file's folder)
        name = given.rstrip("/").rpartition("/")[2] if isinstance(given, str) and given.strip("/") else Path(path).resolve().parent.name
        model, onnx_path = count_module(module, None, input_shapes, name=name or Path(path).stem, source=label, label=label, input_dtypes=input_dtypes,
                                        progress=bar, input_values=input_values)  # fmt: skip
        model.notes.insert(0, note)
        if isinstance(config.get("auto_map"), dict) and config["auto_map"]:  # (a class of its own named beside a model type transformers knows)
            model.notes.insert(1, f"the config names code of its own (auto_map: {few(map(str, config['auto_map'].values()))}), which dscost does not run: "
                                  f"counted as transformers' own {type(module).__name__}; where that code differs, give the model as package.module:factory")  # fmt: skip
        declared = config.get("dtype", config.get("torch_dtype"))  # (transformers 5 writes dtype, 4 torch_dtype)
        own = dtype_name(ONNX_TYPES.get(declared)) if isinstance(declared, str) else None
        if own and own != model.weight_dtype:  # (the type its weights are saved in and loaded at; the meta model is float32, which counts the same)
            model.weight_dtype, model.weight_types = own, {}  # (the meta model's float32 types: not the saved weights')
            if own in DTYPE_BYTES:
                model.notes.insert(1, f"the config's dtype is {declared}: memory and roofline bytes are sized at {own} (--dtype sizes another)")
        return model, onnx_path

    return count_file(path, progress, load, lambda err: f"cannot build its model: {first_line(err)}", count)[0]


def _config_dict(path: Path) -> dict:
    """The file's JSON object, which names a ``model_type``; else an InputError saying what it is."""
    from dscost.files import regular_file

    path = regular_file(path, "model file")
    if path.stat().st_size > MAX_BYTES:
        raise InputError(f"{path}: {path.stat().st_size:,} bytes: not a Hugging Face config.json (a few KB); dscost reads a .json file as one")
    try:
        data = json.loads(path.read_bytes())
    except (ValueError, RecursionError) as err:
        raise InputError(f"{path}: not valid JSON ({first_line(err)}); dscost reads a .json file as a Hugging Face config.json") from None
    if not isinstance(data, dict) or not isinstance(data.get("model_type"), str):
        raise InputError(f"{path}: not a Hugging Face config.json (no \"model_type\"); dscost reads a .json file as one")
    return data
