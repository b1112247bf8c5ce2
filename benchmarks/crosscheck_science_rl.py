"""Twenty-fourth blind round (2026-12-05): protein language models (fair-esm), genomics
(enformer-pytorch), reinforcement-learning policies and nets (stable-baselines3, sb3-contrib,
torchrl), atomistic networks (schnetpack, torchmd-net) and molecular message passing (chemprop v2),
libraries no earlier round held, each model counted three ways against torch's own counter, as in
crosscheck_timm_sixth.py (the module through ``dscost.analyze``, the TorchScript and the dynamo
exporters' files through ``python -m dscost analyze FILE -f json``).

What it stresses: ESM-2 (rotary embeddings, token-dropout rescaling, pre-norm, tied LM head) at
6 x 320 and 12 x 480, its contact head (every layer's and head's attention map, symmetrized, APC,
logistic regression over 120 maps), the ESM-1b layout (learned positions) and ESM-1 (sinusoidal
positions, bias_kv), the MSA Transformer (tied row attention and column attention over an 8 x 32
alignment); Enformer (conv stem, a 6-stage conv tower with softmax attention pooling, attention with
relative positional features: exponential, central-mask and gamma-pdf bases through xlogy and
lgamma, relative shift); SB3's actor-critic policies (MLP, NatureCNN, a Dict observation through
CombinedExtractor, diagonal-Gaussian and categorical heads with their log-probabilities), SAC's,
TD3's, TQC's and CrossQ's actors and twin critics (CrossQ: BatchRenorm1d), DQN's and QR-DQN's
Q-nets, RecurrentPPO's LSTM policy; torchrl's multi-agent MLP and ConvNet (per-agent weights
stacked in a TensorDictParams, run through vmap), QMixer (hyper-networks, abs, bmm), the dueling
CNN DQN, DreamerV3's image encoder, decoder and MLP, the Decision Transformer actor (GPT-2);
chemprop v2's bond and atom message passing (index_select, scatter_reduce with
include_self=False, mean/sum aggregation, BatchNorm, FFN) over aspirin + caffeine; schnetpack's SchNet, PaiNN and SO3net (l <= 2 spherical harmonics, Clebsch-Gordan
products) with an Atomwise energy head (index_add / scatter_add), torchmd-net's equivariant
transformer and graph network.  Random weights everywhere (no checkpoint, no download).

    python3 -m venv /work/hvE   # + a .pth to /work/hvB's site-packages (torch and onnx reused)
    /work/hvE/bin/pip install -c constraints.txt fair-esm enformer-pytorch stable-baselines3 sb3-contrib
    /work/hvE/bin/pip install -c constraints.txt schnetpack chemprop torchmd-net torchrl
    # constraints.txt: /work/hvB's pip freeze (its name==version lines)
    PYTHONPATH=/work/main /work/hvE/bin/python benchmarks/crosscheck_science_rl.py [--only a,b] [--json rows.json]

Inputs: ESM takes int64 tokens, which the harness draws from 0..99; the wrapper maps them onto the
20 amino-acid tokens (4 + x mod 20), so no padding, mask, cls or eos token occurs.  The atomistic
nets get a fixed 12-atom molecule with every ordered pair (132) as neighbours, atomic numbers and
pair indices as buffers, positions (12, 3) as the input (torchmd-net's own neighbour list returns
a data-dependent number of pairs; it is replaced by the fixed one).  chemprop gets the atom (27 x
72) and bond (56 x 14) features of aspirin + caffeine as inputs, the graph's indices as buffers.
SB3 policies are built from gymnasium spaces, no environment; torch.distributions' argument
validation is switched off (``ppo_mlp_discrete_validate`` keeps it on).  schnetpack 2.0.3 imports
``T_co`` from torch.utils.data.dataloader, which torch 2.14 no longer has: the builder puts a
TypeVar there first.  Each model runs in a child process with a 600 s limit; files go to --out
(default /tmp/r24/zoo).

As run (2026-12-05, torch 2.14.1, torchvision 0.29.1, onnx 1.23.2, onnxscript 0.7.2, fair-esm
2.0.0, enformer-pytorch 0.8.11, stable-baselines3 2.9.2, sb3-contrib 2.9.2, gymnasium 1.4.0,
chemprop 2.3.1 with rdkit 2026.3.6, schnetpack 2.0.3, torchmd-net 3.1.0, torchrl 0.14.1 with
tensordict 0.14.3; about 11 min on 2 cores): 45 models (9 ESM, 4 Enformer, 13 SB3, 9 torchrl, 4
chemprop, 3 schnetpack, 4 torchmd-net), torch's counter ran on all (RecurrentPPO's two LSTMs by
the harness's formula, 559,104, which dscost's LSTM nodes equal; torchrl's multi-agent nets by
:func:`_reference`, as FlopCounterMode fails on them).  **MACs equal torch's on 36 of 38 module
counts, 33 of 33 TorchScript files and 24 of 30 dynamo files; nothing uncounted anywhere.**  No
difference is a dscost miscount:

- SchNet and PaiNN -49,152 (module, i.e. the dynamo file, and the dynamo file), torchmd-net GN
  (no neighbour embedding) -49,152 (dynamo file): the atomic numbers are a buffer, so the first
  interaction's first Linear on the atom embedding (12 x 64 x 64 = 49,152: SchNet's in2f, PaiNN's
  interatomic_context_net.0, GN's CFConv lin1) is input-independent and the dynamo exporter folds
  it into a constant (``index_2``/``silu``/``index_select``, 132 x 64 or 12 x 64); torch counts it.
- SAC, TQC and CrossQ -1,536 (dynamo file): the deterministic actor still computes log_std
  (Linear 256 -> 6 = 1,536) which mode() never reads; the dynamo exporter drops it as dead code,
  the TorchScript file keeps it, torch counts it.

Failures (export, not dscost; dscost's module path gives one InputError line naming both
exporters' errors): every ESM model's dynamo export stops on ``if not padding_mask.any()`` (a
data-dependent branch; the ``_nopadcheck`` variants run a copy of the forward with ``if True:``
and export, MACs equal every way); Enformer: the TorchScript exporter has no ``aten::xlogy`` at
opset 17 and the dynamo exporter cannot translate ``lgamma`` (the ``_constpos`` variants
precompute the input-independent positional features and export both ways, MACs equal); chemprop:
the TorchScript exporter refuses ``scatter_reduce(include_self=False)``, torch.export stops on the
aggregation's ``batch.max().int() + 1`` output size (``_static`` variants fix it at 2: dynamo file
equal); schnetpack: the TorchScript exporter refuses ``index_add_`` when a rank is unknown (all
three; dynamo files equal for SO3net); torchmd-net: the TorchScript exporter refuses ``index_add_``
with duplicated indices and torch.export stops on the neighbour embedding's ``if not mask.all()``
(without the neighbour embedding both export); RecurrentPPO's dynamo export stops on
``if th.all(episode_starts == 0.0)``, and PPO with torch.distributions' validation on
(``_validate``) on Categorical's argument check.  torchmd-net's TensorNet was left out: by default
it runs NVIDIA Warp kernels (custom ops), and its pure-torch path (opt=False) fails with
IndexError in skewtensor_to_vector in 3.1.0.  torchrl's MultiAgentConvNet: the TorchScript
exporter fails ("Unsupported value kind: Tensor"); the dynamo exporter alone exports it (968,976
MACs, equal), but dscost's module path, which tries the TorchScript exporter first on the same
module object, then fails with the dynamo exporter too: the failed trace left the TensorDictParams
locked ("Cannot unlock a tensordict that is part of a locked graph") -- a dscost fallback issue
(/work/notes/round24_ts_then_dynamo.py).

Params equal torch's on 22 of 38 module counts: the others are parameters the forward does not
use, named in dscost's note (ESM's contact head without contacts, 121/241/33; SAC/TD3/DQN/QR-DQN/
TQC target networks; the Decision Transformer's GPT-2 token embedding, 128), and schnetpack's, which come from the dynamo file (the module path's
TorchScript export failed).  The TorchScript files also count buffers stored as initializers (ESM-2's
rotary inv_freq, 8 or 12 a layer; Enformer's precomputed positional features, (2n-1) x 96 a layer;
CrossQ's BatchRenorm running mean and variance, 9,342, which the exporter's deduplication turned into
Identity copies of the equal-valued scale and bias) and drop one-element biases (the contact
regression's).  The dynamo files differ by the exporter's rewrite: zero biases dropped (SB3's
orthogonal init, schnetpack's Dense, torchmd-net, torchrl's dueling CNN and DreamerV3 nets), fresh
norms' ones and zeros merged, dead log_std dropped, and tensors folded from parameters counted in
their place (SchNet's embedding(Z), PaiNN's, SO3net's 12 x 9 x 64 twice: +7,007; the Decision
Transformer's position embeddings of its 60 positions, 7,680 for the 8,192 table).  Two notes mislead (reproducers in /work/notes): a parameter
folded into two tensors is counted twice with no note (ppo_mlp_box +6: round24_folded_param_note.py),
and a parameter reached under a second name (Enformer's ``_trunk`` Sequential, ESM's tied LM head,
torchmd-net's ``conv.net``) is listed as "not held" though the file holds it (Enformer: 129 named,
the params are right: round24_alias_unheld_note.py).

Fixed after the round, in dscost: the module path's dynamo fallback exports a copy of the module
taken before the TorchScript exporter traced it (MultiAgentConvNet through ``dscost.analyze``: 968,976
MACs, 15,264 params, equal); a tensor a dynamo file folds only from parameters the file holds, and
all but the largest of the tensors folded from one parameter alone, are buffers, with a note
(ppo_mlp_box's dynamo file 10,828 -> 10,822 params, its -263 now only the dropped zero biases;
SO3net's 101,920 -> 95,008 for torch's 94,913); the "not held" note says a parameter may be read by
a second name, which torch counts once.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import crosscheck_timm_sixth as S  # noqa: E402

DEFAULT_OUT = Path("/tmp/r24/zoo")


def _reference(model, args, data_dependent: tuple = ()):
    """crosscheck_torch.torch_reference; where FlopCounterMode itself fails on the module -- its
    module tracker takes ``bool()`` of torchrl's TensorDictParams (the multi-agent nets' stacked
    per-agent weights), "Converting a tensordict to boolean value is not permitted" -- the same
    flop formulas (torch.utils.flop_counter's registry, the harness's BY_FORMULA ops added) summed
    by a plain TorchDispatchMode, which tracks no modules."""
    try:
        return _torch_reference(model, args, data_dependent)
    except RuntimeError as err:
        if "tensordict to boolean" not in str(err):
            raise
    import torch
    from torch.utils._python_dispatch import TorchDispatchMode
    from torch.utils.flop_counter import flop_registry, shape_wrapper

    custom = {getattr(torch.ops.aten, k.split(".")[1]): f if getattr(f, "_get_raw", False) else shape_wrapper(f) for k, f in S.C.BY_FORMULA.items()}

    class Count(TorchDispatchMode):
        total = added = 0

        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            out = func(*args, **(kwargs or {}))
            f = custom.get(func._overloadpacket) or flop_registry.get(func._overloadpacket)
            if f is not None:
                n = f(*args, **(kwargs or {}), out_val=out)
                self.total += n
                self.added += n if func._overloadpacket in custom else 0
            return out

    with torch.enable_grad(), Count() as c:
        model(*args)
    return c.total // 2, sum(p.numel() for p in model.parameters()), c.added // 2, 0


_torch_reference, S.C.torch_reference = S.C.torch_reference, _reference

# ---------------------------------------------------------------- fair-esm


def _esm(kind: str):
    """An ESM model with random weights (no download), behind a forward that takes int64 tokens
    (the harness draws them from 0..99) and maps them onto the 20 standard amino-acid tokens
    (4 + x mod 20: no padding, mask, cls or eos token, so the padding mask is all False)."""
    import argparse

    import torch
    from torch import nn

    import esm

    nocheck = kind.endswith("_nopadcheck")
    kind = kind.removesuffix("_nopadcheck")
    contacts = kind.endswith("_contacts")
    if kind.startswith("esm2"):
        alphabet = esm.data.Alphabet.from_architecture("ESM-1b")
        layers, dim, heads = {"esm2_t6": (6, 320, 20), "esm2_t12": (12, 480, 20)}[kind.removesuffix("_contacts")]
        m = esm.model.esm2.ESM2(num_layers=layers, embed_dim=dim, attention_heads=heads, alphabet=alphabet)
    elif kind.startswith("esm1b"):
        alphabet = esm.data.Alphabet.from_architecture("ESM-1b")
        args = argparse.Namespace(arch="roberta_large", layers=6, embed_dim=320, ffn_embed_dim=1280, attention_heads=20,
                                  max_positions=1024, dropout=0.0, attention_dropout=0.0, activation_dropout=0.0,
                                  final_bias=True, emb_layer_norm_before=True, token_dropout=True)  # fmt: skip
        m = esm.model.esm1.ProteinBertModel(args, alphabet)
    elif kind.startswith("esm1_"):
        alphabet = esm.data.Alphabet.from_architecture("ESM-1")
        args = argparse.Namespace(arch="prot_bert", layers=4, embed_dim=256, ffn_embed_dim=1024, attention_heads=8,
                                  max_positions=1024, dropout=0.0, attention_dropout=0.0, activation_dropout=0.0,
                                  final_bias=True)  # fmt: skip
        m = esm.model.esm1.ProteinBertModel(args, alphabet)
    elif kind.startswith("msa"):
        alphabet = esm.data.Alphabet.from_architecture("msa_transformer")
        args = argparse.Namespace(layers=4, embed_dim=256, ffn_embed_dim=1024, attention_heads=8, dropout=0.0,
                                  attention_dropout=0.0, activation_dropout=0.0, max_tokens_per_msa=2**14, max_tokens=2**14,
                                  max_positions=1024, embed_positions_msa=True)  # fmt: skip
        m = esm.model.msa_transformer.MSATransformer(args, alphabet)
    else:
        raise ValueError(kind)

    if nocheck:
        # ESM-2's and the MSA Transformer's forward drop an all-False padding mask with
        # ``if not padding_mask.any(): padding_mask = None``, a data-dependent branch torch.export
        # cannot trace.  The tokens here hold no padding, so the branch is always taken: this
        # variant runs a copy of the forward with ``if True:`` in its place (the same ops).
        import inspect
        import textwrap

        cls = type(m)
        src = textwrap.dedent(inspect.getsource(cls.forward)).replace("if not padding_mask.any():", "if True:")
        scope = dict(vars(inspect.getmodule(cls)))
        exec(compile(src, f"<{cls.__name__}.forward, no padding check>", "exec"), scope)  # noqa: S102
        m.forward = scope["forward"].__get__(m)

    class Tokens(nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, x):
            tokens = torch.remainder(x, 20) + 4
            out = self.m(tokens, return_contacts=contacts)
            return (out["logits"], out["contacts"]) if contacts else out["logits"]

    return Tokens(m)


# ---------------------------------------------------------------- enformer-pytorch


def _enformer(kind: str):
    """A small Enformer (random weights): a one-hot float sequence (1, L, 4) in, one head out."""
    from torch import nn

    from enformer_pytorch import Enformer

    const = kind.endswith("_constpos")
    kind = kind.removesuffix("_constpos")
    cfg = {"enformer_small": dict(dim=384, depth=2, heads=4, attn_dim_key=32, target_length=12, output_heads=dict(human=64)),
           "enformer_ds5": dict(dim=384, depth=2, heads=4, attn_dim_key=32, target_length=48, output_heads=dict(human=64),
                                num_downsamples=5)}[kind]  # fmt: skip
    m = Enformer.from_hparams(dropout_rate=0.0, attn_dropout=0.0, pos_dropout=0.0, **cfg)
    if const:
        # The relative positional features depend only on the number of bins (exponential,
        # central-mask and gamma-pdf bases: xlogy and lgamma, which neither exporter converts):
        # computed once here, and the forward reads them as a constant.
        import torch

        import enformer_pytorch.modeling_enformer as me

        real, cache = getattr(me, "_uncached_positional_embed", me.get_positional_embed), {}
        me._uncached_positional_embed = real

        def cached(seq_len, feature_size, device, use_tf_gamma, dtype=torch.float):
            key = (int(seq_len), feature_size, use_tf_gamma, dtype)  # (the TorchScript tracer's sizes are tensors)
            if key not in cache:
                with torch.no_grad():
                    cache[key] = real(seq_len, feature_size, device, use_tf_gamma, dtype=dtype)
            return cache[key]

        me.get_positional_embed = cached
        n = cfg["target_length"]
        cached(n, 384 // 4, "cpu", False, dtype=torch.float32)

    class Head(nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, x):
            return self.m(x, head="human")

    return Head(m)


# ---------------------------------------------------------------- stable-baselines3 / sb3-contrib


def _sb3(kind: str):
    """An SB3 policy built from gymnasium spaces (no environment), its deterministic forward."""
    import numpy as np
    import torch
    from gymnasium import spaces
    from torch import nn

    # torch.distributions checks its arguments by default (Categorical's logits, Normal's scale)
    # with data-dependent tests that torch.export cannot trace: off here, so both exporters see the
    # same graph (the checks are comparisons, no multiply-adds).  ``validate=False`` in the kind: on.
    validate = kind.endswith("_validate")
    kind = kind.removesuffix("_validate")
    torch.distributions.Distribution.set_default_validate_args(validate)
    lr = lambda _: 3e-4  # noqa: E731
    vec = lambda n: spaces.Box(-np.inf, np.inf, (n,), np.float32)  # noqa: E731
    img = spaces.Box(0, 255, (4, 84, 84), np.uint8)
    act = spaces.Box(-1.0, 1.0, (6,), np.float32)

    class F(nn.Module):
        def __init__(self, p, fn):
            super().__init__()
            self.p = p
            self.fn = fn

        def forward(self, x):
            return self.fn(self.p, x)

    if kind in ("ppo_mlp_discrete", "ppo_mlp_box", "a2c_cnn"):
        from stable_baselines3.common.policies import ActorCriticCnnPolicy, ActorCriticPolicy

        if kind == "ppo_mlp_discrete":
            p = ActorCriticPolicy(vec(4), spaces.Discrete(2), lr)
        elif kind == "ppo_mlp_box":
            p = ActorCriticPolicy(vec(17), act, lr)
        else:
            p = ActorCriticCnnPolicy(img, spaces.Discrete(6), lr)
        return F(p, lambda p, x: p(x, deterministic=True))
    if kind in ("sac", "td3"):
        if kind == "sac":
            from stable_baselines3.sac.policies import SACPolicy as P
        else:
            from stable_baselines3.td3.policies import TD3Policy as P
        p = P(vec(17), act, lr)

        def fn(p, x):
            a = p.actor(x, deterministic=True) if kind == "sac" else p.actor(x)
            return (a, *p.critic(x, a))

        return F(p, fn)
    if kind == "dqn_cnn":
        from stable_baselines3.dqn.policies import CnnPolicy

        return F(CnnPolicy(img, spaces.Discrete(6), lr), lambda p, x: p.q_net(x))
    if kind == "qrdqn_mlp":
        from sb3_contrib.qrdqn.policies import QRDQNPolicy

        return F(QRDQNPolicy(vec(8), spaces.Discrete(4), lr), lambda p, x: p.quantile_net(x))
    if kind == "tqc":
        from sb3_contrib.tqc.policies import TQCPolicy

        p = TQCPolicy(vec(17), act, lr)

        def fn(p, x):
            a = p.actor(x, deterministic=True)
            return a, p.critic(x, a)

        return F(p, fn)
    if kind == "crossq":
        from sb3_contrib.crossq.policies import CrossQPolicy

        p = CrossQPolicy(vec(17), act, lr)

        def fn(p, x):
            a = p.actor(x, deterministic=True)
            return (a, *p.critic(x, a))

        return F(p, fn)
    if kind == "ppo_multiinput":
        from stable_baselines3.common.policies import MultiInputActorCriticPolicy

        p = MultiInputActorCriticPolicy(spaces.Dict({"image": spaces.Box(0, 255, (3, 64, 64), np.uint8), "state": vec(7)}),
                                        spaces.Discrete(5), lr)  # fmt: skip

        class Two(nn.Module):
            def __init__(self, p):
                super().__init__()
                self.p = p

            def forward(self, image, state):
                return self.p({"image": image, "state": state}, deterministic=True)

        return Two(p)
    if kind == "recurrent_ppo":
        from sb3_contrib.common.recurrent.policies import RecurrentActorCriticPolicy
        from sb3_contrib.common.recurrent.type_aliases import RNNStates

        p = RecurrentActorCriticPolicy(vec(17), act, lr)
        h = p.lstm_hidden_state_shape  # (layers, envs, hidden)

        def fn(p, x):
            z = torch.zeros(h[0], x.shape[0], h[2])
            states = RNNStates((z, z), (z, z))
            a, v, logp, _ = p(x, states, torch.zeros(x.shape[0]), deterministic=True)
            return a, v, logp

        return F(p, fn)
    raise ValueError(kind)


# ---------------------------------------------------------------- torchrl


def _torchrl(kind: str):
    """A torchrl network (random weights); lazy layers are materialized by one forward here."""
    import torch

    import torchrl.modules as trl

    if kind == "trl_multiagent_mlp":
        m = trl.MultiAgentMLP(n_agent_inputs=18, n_agent_outputs=5, n_agents=4, centralized=False, share_params=False, depth=2, num_cells=64)
        dummy = (torch.zeros(1, 4, 18),)
    elif kind == "trl_multiagent_mlp_central":
        m = trl.MultiAgentMLP(n_agent_inputs=18, n_agent_outputs=1, n_agents=4, centralized=True, share_params=True, depth=2, num_cells=64)
        dummy = (torch.zeros(1, 4, 18),)
    elif kind == "trl_multiagent_conv":
        m = trl.MultiAgentConvNet(n_agents=3, centralized=False, share_params=False, in_features=3, num_cells=[16, 32], kernel_sizes=3, strides=2)
        dummy = (torch.zeros(1, 3, 3, 32, 32),)
    elif kind == "trl_qmixer":
        m = trl.QMixer(state_shape=(32,), mixing_embed_dim=32, n_agents=4, device="cpu")
        dummy = (torch.zeros(1, 4, 1), torch.zeros(1, 32))
    elif kind == "trl_dueling_cnn":
        m = trl.DuelingCnnDQNet(out_features=6)
        dummy = (torch.zeros(1, 4, 84, 84),)
    elif kind == "trl_dreamerv3_encoder":
        m = trl.DreamerV3ImageEncoder(in_channels=3, depth=16)
        dummy = (torch.zeros(1, 3, 64, 64),)
    elif kind == "trl_dreamerv3_decoder":
        m = trl.DreamerV3ImageDecoder(in_features=256, depth=16)
        dummy = (torch.zeros(1, 256),)
    elif kind == "trl_dreamerv3_mlp":
        m = trl.DreamerV3MLP(in_features=64, out_features=255, depth=3, num_cells=256)
        dummy = (torch.zeros(1, 64),)
    elif kind == "trl_dt_actor":
        m = trl.DTActor(state_dim=17, action_dim=6, transformer_config=dict(n_embd=128, n_layer=3, n_head=1, n_inner=512, n_positions=64,
                                                                            activation="relu", resid_pdrop=0.0, attn_pdrop=0.0))  # fmt: skip
        dummy = (torch.zeros(1, 20, 17), torch.zeros(1, 20, 6), torch.zeros(1, 20, 1))
    else:
        raise ValueError(kind)
    m.eval()
    with torch.no_grad():
        m(*dummy)
    return m


# ---------------------------------------------------------------- chemprop


SMILES = ("CC(=O)Oc1ccccc1C(=O)O", "Cn1cnc2c1c(=O)n(C)c(=O)n2C")  # aspirin, caffeine: 27 atoms, 56 directed bonds


def _chemprop(kind: str):
    """A chemprop v2 MPNN (random weights) over the fixed graph of two molecules: the atom and bond
    features are the inputs, the graph's indices are buffers."""
    import types

    import torch
    from torch import nn

    from chemprop import data, featurizers, models
    from chemprop import nn as cnn
    from rdkit import Chem

    f = featurizers.SimpleMoleculeMolGraphFeaturizer()
    bmg = data.BatchMolGraph([f(Chem.MolFromSmiles(s)) for s in SMILES])
    static = kind.endswith("_static")
    kind = kind.removesuffix("_static")
    mp = cnn.AtomMessagePassing() if kind == "chemprop_atom" else cnn.BondMessagePassing()
    agg = cnn.SumAggregation() if kind == "chemprop_atom" else cnn.MeanAggregation()
    if static:
        # chemprop's aggregations size their output by ``batch.max().int() + 1``, a data-dependent
        # size that torch.export cannot trace; here the number of molecules is fixed (2).
        reduce = "sum" if kind == "chemprop_atom" else "mean"

        class Static(type(agg)):
            def forward(self, H, batch):
                index = batch.unsqueeze(1).repeat(1, H.shape[1])
                return torch.zeros(len(SMILES), H.shape[1], dtype=H.dtype).scatter_reduce_(0, index, H, reduce=reduce, include_self=False)

        agg = Static()
    m = models.MPNN(mp, agg, cnn.RegressionFFN(), batch_norm=True)

    class Graph(nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m
            self.register_buffer("edge_index", bmg.edge_index)
            self.register_buffer("rev_edge_index", bmg.rev_edge_index)
            self.register_buffer("batch", bmg.batch)

        def forward(self, V, E):
            g = types.SimpleNamespace(V=V, E=E, edge_index=self.edge_index, rev_edge_index=self.rev_edge_index, batch=self.batch)
            return self.m(g)

    return Graph(m)


# ---------------------------------------------------------------- schnetpack / torchmd-net

N_ATOMS = 12
Z = (6, 6, 6, 6, 6, 6, 1, 1, 1, 1, 1, 8)


def _pairs():
    import torch

    i, j = torch.meshgrid(torch.arange(N_ATOMS), torch.arange(N_ATOMS), indexing="ij")
    keep = i != j
    return i[keep], j[keep]  # all 132 ordered pairs, no self pair


def _schnetpack(kind: str):
    """A schnetpack representation (SchNet or PaiNN) + Atomwise energy head, random weights, over
    a fixed 12-atom molecule with every ordered pair as neighbours (indices as buffers); the
    positions (12, 3) are the input."""
    import typing

    import torch
    import torch.utils.data.dataloader as dl
    from torch import nn

    if not hasattr(dl, "T_co"):  # schnetpack 2.0.3 imports it; torch 2.14 no longer defines it
        dl.T_co = typing.TypeVar("T_co", covariant=True)
    import schnetpack as spk

    rbf = spk.nn.GaussianRBF(n_rbf=20, cutoff=5.0)
    cut = spk.nn.CosineCutoff(5.0)
    if kind == "schnet":
        rep = spk.representation.SchNet(n_atom_basis=64, n_interactions=3, radial_basis=rbf, cutoff_fn=cut)
    elif kind == "so3net":
        rep = spk.representation.SO3net(n_atom_basis=64, n_interactions=3, lmax=2, radial_basis=rbf, cutoff_fn=cut)
    else:
        rep = spk.representation.PaiNN(n_atom_basis=64, n_interactions=3, radial_basis=rbf, cutoff_fn=cut)
    head = spk.atomistic.Atomwise(n_in=64, output_key="energy")
    idx_i, idx_j = _pairs()

    class Mol(nn.Module):
        def __init__(self):
            super().__init__()
            self.rep, self.head = rep, head
            self.register_buffer("Z", torch.tensor(Z))
            self.register_buffer("idx_i", idx_i)
            self.register_buffer("idx_j", idx_j)
            self.register_buffer("idx_m", torch.zeros(N_ATOMS, dtype=torch.long))
            self.register_buffer("n_atoms", torch.tensor([N_ATOMS]))

        def forward(self, R):
            inputs = {"_atomic_numbers": self.Z, "_positions": R, "_Rij": R[self.idx_j] - R[self.idx_i], "_idx_i": self.idx_i,
                      "_idx_j": self.idx_j, "_idx_m": self.idx_m, "_n_atoms": self.n_atoms}  # fmt: skip
            return self.head(self.rep(inputs))["energy"]

    return Mol()


def _torchmd(kind: str):
    """A torchmd-net representation (TorchMD-ET or TorchMD-GN), random weights, over the fixed
    12-atom molecule; its neighbour-list module replaced by one over every ordered pair
    (indices as buffers: the real one returns a data-dependent number of pairs)."""
    import torch
    from torch import nn

    if kind.startswith("torchmd_et"):
        from torchmdnet.models.torchmd_et import TorchMD_ET as Net

        m = Net(hidden_channels=64, num_layers=3, num_rbf=16, num_heads=8, max_z=20, neighbor_embedding=not kind.endswith("_noneighbor"))
    else:
        from torchmdnet.models.torchmd_gn import TorchMD_GN as Net

        m = Net(hidden_channels=64, num_filters=64, num_layers=3, num_rbf=16, max_z=20,
                neighbor_embedding=not kind.endswith("_noneighbor"))
    idx_i, idx_j = _pairs()

    class Pairs(nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("edge_index", torch.stack([idx_i, idx_j]))

        def forward(self, pos, batch, box=None):
            vec = pos[self.edge_index[0]] - pos[self.edge_index[1]]
            return self.edge_index, torch.norm(vec, dim=-1), vec

    m.distance = Pairs()

    class Mol(nn.Module):
        def __init__(self):
            super().__init__()
            self.m = m
            self.register_buffer("z", torch.tensor(Z))
            self.register_buffer("batch", torch.zeros(N_ATOMS, dtype=torch.long))

        def forward(self, pos):
            out = self.m(self.z, pos, self.batch)
            return (out[0], out[1]) if kind.startswith("torchmd_et") else out[0]

    return Mol()


def _entries() -> dict:
    tok = lambda *s: [("tokens", s, "int64")]  # noqa: E731
    es = lambda kind, inputs, note: (lambda: _esm(kind), inputs, note)  # noqa: E731
    en = lambda kind, inputs, note: (lambda: _enformer(kind), inputs, note)  # noqa: E731
    rl = lambda kind, inputs, note: (lambda: _sb3(kind), inputs, note)  # noqa: E731
    tr = lambda kind, inputs, note: (lambda: _torchrl(kind), inputs, note)  # noqa: E731
    cp = lambda kind, note: (lambda: _chemprop(kind), [("V", (27, 72), "float32"), ("E", (56, 14), "float32")], note)  # noqa: E731
    pos = [("positions", (N_ATOMS, 3), "float32")]
    sp = lambda kind, note: (lambda: _schnetpack(kind), pos, note)  # noqa: E731
    tm = lambda kind, note: (lambda: _torchmd(kind), pos, note)  # noqa: E731
    obs = lambda *s: [("obs", (1, *s), "float32")]  # noqa: E731
    return {
        # fair-esm
        "esm2_t6": es("esm2_t6", tok(1, 64), "ESM-2 6 layers x 320 (rotary embeddings, token-dropout scaling), LM head"),
        "esm2_t6_contacts": es("esm2_t6_contacts", tok(1, 64), "ESM-2 6 x 320 with the contact head (APC over all heads' maps)"),
        "esm2_t12": es("esm2_t12", tok(1, 64), "ESM-2 12 layers x 480, LM head"),
        "esm1b_t6": es("esm1b_t6", tok(1, 64), "ESM-1b layout, 6 x 320 (learned positions, pre-norm), LM head tied"),
        "esm1_t4": es("esm1_t4", tok(1, 64), "ESM-1 layout, 4 x 256 (sinusoidal positions, bias_kv), LM head"),
        "esm2_t6_nopadcheck": es("esm2_t6_nopadcheck", tok(1, 64), "esm2_t6 with its padding-mask branch fixed (so that torch.export traces it)"),
        "msa_t4": es("msa_t4", tok(1, 8, 32), "MSA Transformer 4 x 256 (tied row + column axial attention), MSA 8 x 32"),
        "msa_t4_contacts": es("msa_t4_contacts", tok(1, 8, 32), "MSA Transformer 4 x 256 with the contact head"),
        "msa_t4_nopadcheck": es("msa_t4_nopadcheck", tok(1, 8, 32), "msa_t4 with its padding-mask branch fixed (so that torch.export traces it)"),
        # enformer-pytorch
        "enformer_small": en("enformer_small", [("seq", (1, 1536, 4), "float32")],
                             "Enformer dim 384, depth 2, 4 heads (conv stem, 6-stage conv tower with attention pooling, "
                             "attention with relative positional features: exponential, central mask, gamma), 12 bins"),
        "enformer_ds5": en("enformer_ds5", [("seq", (1, 1536, 4), "float32")], "the same with num_downsamples=5 (48 bins)"),
        "enformer_small_constpos": en("enformer_small_constpos", [("seq", (1, 1536, 4), "float32")],
                                      "enformer_small with the relative positional features precomputed (a constant)"),
        "enformer_ds5_constpos": en("enformer_ds5_constpos", [("seq", (1, 1536, 4), "float32")],
                                    "enformer_ds5 with the relative positional features precomputed (a constant)"),
        # stable-baselines3 / sb3-contrib
        "ppo_mlp_discrete": rl("ppo_mlp_discrete", obs(4), "PPO MlpPolicy, Box(4) -> Discrete(2): actions, values, log-prob"),
        "ppo_mlp_discrete_validate": rl("ppo_mlp_discrete_validate", obs(4),
                                        "ppo_mlp_discrete with torch.distributions' argument checks on (the default)"),
        "ppo_mlp_box": rl("ppo_mlp_box", obs(17), "PPO MlpPolicy, Box(17) -> Box(6) diagonal Gaussian"),
        "a2c_cnn": rl("a2c_cnn", obs(4, 84, 84), "A2C CnnPolicy (NatureCNN), 4 x 84 x 84 -> Discrete(6)"),
        "sac": rl("sac", obs(17), "SAC actor (squashed Gaussian, deterministic) + twin critics"),
        "td3": rl("td3", obs(17), "TD3 actor [400, 300] + twin critics"),
        "dqn_cnn": rl("dqn_cnn", obs(4, 84, 84), "DQN CnnPolicy Q-net (NatureCNN)"),
        "qrdqn_mlp": rl("qrdqn_mlp", obs(8), "sb3-contrib QR-DQN quantile net (200 quantiles x 4 actions)"),
        "tqc": rl("tqc", obs(17), "sb3-contrib TQC actor + 2 quantile critics (25 quantiles)"),
        "crossq": rl("crossq", obs(17), "sb3-contrib CrossQ actor + twin critics with BatchRenorm1d (eval: running statistics)"),
        "ppo_multiinput": rl("ppo_multiinput", [("image", (1, 3, 64, 64), "float32"), ("state", (1, 7), "float32")],
                             "PPO MultiInputPolicy: Dict(image, state) -> CombinedExtractor (NatureCNN + flatten) -> Discrete(5)"),
        "recurrent_ppo": rl("recurrent_ppo", obs(17), "sb3-contrib RecurrentPPO MlpLstmPolicy, one step from zero states"),
        # torchrl
        "trl_multiagent_mlp": tr("trl_multiagent_mlp", [("obs", (1, 4, 18), "float32")],
                                 "torchrl MultiAgentMLP, 4 agents, own params each (vmap over stacked params)"),
        "trl_multiagent_mlp_central": tr("trl_multiagent_mlp_central", [("obs", (1, 4, 18), "float32")],
                                         "torchrl MultiAgentMLP centralized (every agent sees all 4 x 18), shared params"),
        "trl_multiagent_conv": tr("trl_multiagent_conv", [("obs", (1, 3, 3, 32, 32), "float32")], "torchrl MultiAgentConvNet, 3 agents, own params"),
        "trl_qmixer": tr("trl_qmixer", [("q", (1, 4, 1), "float32"), ("state", (1, 32), "float32")],
                         "torchrl QMixer (hyper-networks make the mixing weights from the state, abs, bmm)"),
        "trl_dueling_cnn": tr("trl_dueling_cnn", [("obs", (1, 4, 84, 84), "float32")], "torchrl DuelingCnnDQNet (lazy layers), 6 actions"),
        "trl_dreamerv3_encoder": tr("trl_dreamerv3_encoder", [("image", (1, 3, 64, 64), "float32")], "torchrl DreamerV3 image encoder, depth 16"),
        "trl_dreamerv3_decoder": tr("trl_dreamerv3_decoder", [("latent", (1, 256), "float32")], "torchrl DreamerV3 image decoder, depth 16"),
        "trl_dreamerv3_mlp": tr("trl_dreamerv3_mlp", [("x", (1, 64), "float32")], "torchrl DreamerV3 MLP (RMS/LayerNorm + SiLU), 3 x 256"),
        "trl_dt_actor": tr("trl_dt_actor", [("observation", (1, 20, 17), "float32"), ("action", (1, 20, 6), "float32"),
                                            ("return_to_go", (1, 20, 1), "float32")],
                           "torchrl Decision Transformer actor (GPT-2 3 x 128, 20 steps = 60 tokens)"),
        # chemprop
        "chemprop_bond": cp("chemprop_bond", "chemprop v2 MPNN: bond message passing (depth 3, 300), mean aggregation, batch norm, FFN"),
        "chemprop_atom": cp("chemprop_atom", "chemprop v2 MPNN: atom message passing, sum aggregation, batch norm, FFN"),
        "chemprop_bond_static": cp("chemprop_bond_static", "chemprop_bond with the aggregation's output size fixed (2 molecules)"),
        "chemprop_atom_static": cp("chemprop_atom_static", "chemprop_atom with the aggregation's output size fixed (2 molecules)"),
        # schnetpack / torchmd-net
        "schnet": sp("schnet", "schnetpack SchNet 64, 3 interactions, 20 Gaussians + Atomwise energy (scatter_add)"),
        "painn": sp("painn", "schnetpack PaiNN 64, 3 interactions (equivariant vector features) + Atomwise energy"),
        "so3net": sp("so3net", "schnetpack SO3net 64, lmax 2, 3 interactions (real spherical harmonics, Clebsch-Gordan products)"),
        "torchmd_et": tm("torchmd_et", "torchmd-net equivariant transformer 64, 3 layers, 8 heads, ExpNorm RBF"),
        "torchmd_gn": tm("torchmd_gn", "torchmd-net graph network (SchNet-like CFConv) 64, 3 layers"),
        "torchmd_et_noneighbor": tm("torchmd_et_noneighbor", "torchmd_et without the neighbour embedding"),
        "torchmd_gn_noneighbor": tm("torchmd_gn_noneighbor", "torchmd_gn without the neighbour embedding"),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    return S.run_entries(argv, __doc__, _entries, DEFAULT_OUT, __file__)


if __name__ == "__main__":
    sys.exit(main())
