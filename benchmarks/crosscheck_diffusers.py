"""diffusers cross-check: denoisers, ControlNet and autoencoders given to
``dscost.analyze(model, inputs)`` as they are, against torch's own count (as crosscheck_hf.py:
``FlopCounterMode`` FLOPs / 2 of one forward with ``scaled_dot_product_attention`` by formula,
and ``sum(p.numel() for p in model.parameters())``).

Each model is built from a small config (random weights, seed 0; nothing is downloaded) and
called with small inputs: 8x8 latents for the transformers (DiT, PixArt-alpha, SD3's MMDiT,
Flux), 16x16 for the UNets and ControlNet, 32x32 and 64x64 images for the autoencoders.  Needs
the venv of crosscheck_hf.py plus ``pip install diffusers``:

    python benchmarks/crosscheck_diffusers.py [--only dit,flux]
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crosscheck_hf import torch_counts  # noqa: E402


def cases(torch, diffusers) -> dict:
    """name -> (the model, its keyword inputs), built when called."""
    gen = torch.Generator().manual_seed(0)

    def r(*shape):
        return torch.rand(*shape, generator=gen)

    step = torch.tensor([10])
    d = diffusers
    return {
        "dit": (lambda: d.DiTTransformer2DModel(num_attention_heads=2, attention_head_dim=16, in_channels=4, num_layers=2, sample_size=8,
                                                patch_size=2, num_embeds_ada_norm=10, norm_num_groups=32),
                lambda: {"hidden_states": r(1, 4, 8, 8), "timestep": step, "class_labels": torch.tensor([1])}),
        "pixart_alpha": (lambda: d.PixArtTransformer2DModel(num_attention_heads=2, attention_head_dim=16, in_channels=4, num_layers=2,
                                                            sample_size=8, patch_size=2, cross_attention_dim=32, caption_channels=24,
                                                            norm_num_groups=32),
                         lambda: {"hidden_states": r(1, 4, 8, 8), "encoder_hidden_states": r(1, 6, 24), "timestep": step,
                                  "added_cond_kwargs": {"resolution": None, "aspect_ratio": None}}),
        "sd3_mmdit": (lambda: d.SD3Transformer2DModel(sample_size=8, patch_size=2, in_channels=4, num_layers=2, attention_head_dim=16,
                                                      num_attention_heads=2, joint_attention_dim=24, caption_projection_dim=32,
                                                      pooled_projection_dim=12, out_channels=4, pos_embed_max_size=16),
                      lambda: {"hidden_states": r(1, 4, 8, 8), "encoder_hidden_states": r(1, 6, 24), "pooled_projections": r(1, 12),
                               "timestep": step}),
        "flux": (lambda: d.FluxTransformer2DModel(patch_size=1, in_channels=16, num_layers=1, num_single_layers=1, attention_head_dim=16,
                                                  num_attention_heads=2, joint_attention_dim=24, pooled_projection_dim=12, axes_dims_rope=(4, 6, 6)),
                 lambda: {"hidden_states": r(1, 16, 16), "encoder_hidden_states": r(1, 6, 24), "pooled_projections": r(1, 12),
                          "timestep": torch.tensor([0.5]), "img_ids": torch.zeros(16, 3), "txt_ids": torch.zeros(6, 3)}),
        "unet2d_ddpm": (lambda: d.UNet2DModel(sample_size=16, in_channels=3, out_channels=3, block_out_channels=(32, 64),
                                              down_block_types=("DownBlock2D", "AttnDownBlock2D"), up_block_types=("AttnUpBlock2D", "UpBlock2D"),
                                              layers_per_block=1, norm_num_groups=8),
                        lambda: {"sample": r(1, 3, 16, 16), "timestep": step}),
        "sdxl_unet": (lambda: d.UNet2DConditionModel(block_out_channels=(32, 64), layers_per_block=1, sample_size=16, in_channels=4, out_channels=4,
                                                     down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
                                                     up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"), cross_attention_dim=32,
                                                     attention_head_dim=(2, 4), norm_num_groups=8, use_linear_projection=True,
                                                     addition_embed_type="text_time", addition_time_embed_dim=8,
                                                     projection_class_embeddings_input_dim=8 * 6 + 16, transformer_layers_per_block=(1, 2)),
                      lambda: {"sample": r(1, 4, 16, 16), "timestep": step, "encoder_hidden_states": r(1, 6, 32),
                               "added_cond_kwargs": {"text_embeds": r(1, 16), "time_ids": r(1, 6)}}),
        "controlnet": (lambda: d.ControlNetModel(block_out_channels=(32, 64), down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"),
                                                 layers_per_block=1, cross_attention_dim=32, attention_head_dim=8, norm_num_groups=8,
                                                 conditioning_embedding_out_channels=(16, 32), in_channels=4),
                       lambda: {"sample": r(1, 4, 16, 16), "timestep": step, "encoder_hidden_states": r(1, 6, 32),
                                "controlnet_cond": r(1, 3, 32, 32)}),
        "vae_kl": (lambda: d.AutoencoderKL(block_out_channels=(16, 32), down_block_types=("DownEncoderBlock2D",) * 2,
                                           up_block_types=("UpDecoderBlock2D",) * 2, latent_channels=4, norm_num_groups=8),
                   lambda: {"sample": r(1, 3, 32, 32), "sample_posterior": False}),
        "vae_tiny": (lambda: d.AutoencoderTiny(encoder_block_out_channels=(16,) * 4, decoder_block_out_channels=(16,) * 4,
                                               num_encoder_blocks=(1,) * 4, num_decoder_blocks=(1,) * 4),
                     lambda: {"sample": r(1, 3, 64, 64)}),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", default="", help="comma-separated names")
    a = ap.parse_args(argv)
    import diffusers
    import torch

    import dscost

    warnings.filterwarnings("ignore")
    only = {s for s in a.only.split(",") if s}
    print(f"diffusers {diffusers.__version__}, torch {torch.__version__}\n")
    print("| model | exported by | torch MACs | dscost MACs | MAC diff | torch params | dscost params | param diff | uncounted |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    n = same = 0
    for name, (build, inputs) in cases(torch, diffusers).items():
        if only and name not in only:
            continue
        t0 = time.perf_counter()
        torch.manual_seed(0)
        try:
            model, x = build().eval(), inputs()
            macs, params = torch_counts(model, x, torch)
            an = dscost.analyze(model, x)
        except Exception as err:  # (a config this diffusers rejects, an export both exporters refuse)
            print(f"| {name} | {type(err).__name__}: {str(err).splitlines()[0][:120]} | | | | | | | |")
            continue
        exporter = "dynamo" if "dynamo exporter" in an.model.notes[0] else "TorchScript"
        t = an.totals
        print(f"| {name} | {exporter} | {macs:,} | {t.macs:,} | {t.macs - macs:+,} | {params:,} | {t.params:,} | {t.params - params:+,} | "
              f"{len(an.model.uncounted)} |", flush=True)  # fmt: skip
        print(f"{name:<14} {time.perf_counter() - t0:5.1f} s", file=sys.stderr, flush=True)
        n += 1
        same += t.macs == macs and t.params == params and not an.model.uncounted
    print(f"\n{n} models counted: MACs and params equal torch's with nothing uncounted on {same}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
