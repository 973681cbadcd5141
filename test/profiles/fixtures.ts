/** A realistic profiles file used by the profile, check and provision tests. */
export const PROFILES_YAML = `
profiles:
  gpt2:
    model: gpt2
    image: pytorch/pytorch:2.5.1-cuda12.4-cudnn9-devel
    diskGb: 80
    label: mosaic-{model}-{gpu_type}
    env:
      HF_HUB_ENABLE_HF_TRANSFER: "1"
      HF_TOKEN: { fromEnv: HF_TOKEN }
      WANDB_API_KEY: { vast: WANDB_API_KEY }
    onstart:
      repo: https://github.com/acme/mosaic.git
      ref: main
      install: pip install -r requirements.txt
      train: python train.py
      config: configs/gpt2.yaml
      runDir: /workspace/runs/gpt2
    search:
      query: "num_gpus>=1 gpu_ram>=20"
      order: dph_total
    excludeGpus: [RTX 3060]
    min: { ramGb: 32, inetDownMbps: 100, reliability: 0.95 }
    needs: { vramGb: 20, ramGb: 48, modelGb: 20, checkpointsGb: 40 }
    resume: python train.py --config configs/gpt2.yaml --run-dir /workspace/runs/gpt2 --resume latest
    checkpoint: { kind: hf, repo: acme/gpt2-ckpt, prefix: runs/gpt2, tokenEnv: HF_TOKEN }
    targetStep: 100000
    throughput: { RTX 3090: 1000 }
  tiny:
    model: tiny
    image: pytorch/pytorch:2.7.0-cuda12.8-cudnn9-runtime
    diskGb: 20
`;
