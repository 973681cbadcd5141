/**
 * zod 4 schemas for every Vast.ai answer. Objects use zod's default strip mode (never passthrough:
 * it costs ~15× on big lists, ENGINEERING.md rule 5). Vast is sloppy, so nearly every field is
 * nullish; units.ts decides what a missing value means. Envelopes and rows are separate schemas so a
 * list can be checked row by row.
 */
import * as z from 'zod';

const num = z.number().nullish();
const str = z.string().nullish();
const bool = z.boolean().nullish();
/** Some booleans arrive as 0/1 (has_avx); accept both. */
const flag = z.union([z.boolean(), z.number()]).nullish();

/** One offer row of `POST /api/v0/bundles/`. */
export const WireOffer = z.object({
  id: z.number(),
  machine_id: num,
  host_id: num,
  gpu_name: str,
  num_gpus: num,
  gpu_ram: num,
  gpu_total_ram: num,
  cpu_ram: num,
  cpu_cores: num,
  cpu_cores_effective: num,
  cpu_name: str,
  disk_space: num,
  disk_bw: num,
  inet_down: num,
  inet_up: num,
  reliability: num,
  reliability2: num,
  dph_total: num,
  dph_base: num,
  min_bid: num,
  storage_cost: num,
  dlperf: num,
  dlperf_per_dphtotal: num,
  total_flops: num,
  cuda_max_good: num,
  compute_cap: num,
  driver_version: str,
  geolocation: str,
  verification: str,
  verified: flag,
  duration: num,
  direct_port_count: num,
  pcie_bw: num,
  score: num,
});
/** A validated wire offer. */
export type WireOffer = z.infer<typeof WireOffer>;

/** The envelope of `POST /api/v0/bundles/`; rows are checked one by one with WireOffer. */
export const OffersResponse = z.object({ offers: z.array(z.unknown()) });

const PortBinding = z.object({ HostIp: str, HostPort: z.union([z.string(), z.number()]).nullish() });

/** One instance row, as in `GET /api/v1/instances/` and `GET /api/v0/instances/{id}/`. */
export const WireInstance = z.object({
  id: z.number(),
  label: str,
  actual_status: str,
  intended_status: str,
  status_msg: str,
  machine_id: num,
  host_id: num,
  gpu_name: str,
  num_gpus: num,
  gpu_ram: num,
  gpu_util: num,
  gpu_temp: num,
  cpu_ram: num,
  cpu_cores: num,
  cpu_cores_effective: num,
  cpu_util: num,
  disk_space: num,
  disk_usage: num,
  inet_down: num,
  inet_up: num,
  reliability: num,
  reliability2: num,
  dph_total: num,
  storage_total_cost: num,
  is_bid: flag,
  min_bid: num,
  image_uuid: str,
  cuda_max_good: num,
  driver_version: str,
  geolocation: str,
  verification: str,
  /** A list of [key, value] pairs on the wire; an object form is tolerated. Values are dropped in units.ts. */
  extra_env: z.union([z.array(z.array(z.unknown())), z.record(z.string(), z.unknown())]).nullish(),
  ssh_host: str,
  ssh_port: num,
  public_ipaddr: str,
  /** Object form per the CLI; one docs page shows a list of ints, which carries no host ports and is ignored. */
  ports: z.union([z.record(z.string(), z.array(PortBinding).nullish()), z.array(z.unknown())]).nullish(),
  image_runtype: str,
  start_date: num,
});
/** A validated wire instance. */
export type WireInstance = z.infer<typeof WireInstance>;

/** One page of `GET /api/v1/instances/`. */
export const InstancesPage = z.object({
  instances: z.array(z.unknown()),
  next_token: z.string().nullish(),
  total_instances: z.number().nullish(),
});

/** `GET /api/v0/instances/{id}/`: one object, or null when gone. */
export const ShowInstanceResponse = z.object({ instances: z.unknown() });

/** `PUT /api/v0/asks/{id}/`. instance_api_key is deliberately not kept. */
export const CreateResponse = z.object({ success: bool, new_contract: z.number() });

/** Any action answer (`{success, msg}`); a 200 with success:false is a refusal. */
export const ActionResponse = z.object({ success: bool, msg: str, error: str });

/** `POST /api/v0/auth/apikeys/`: a new (scoped) key. */
export const ApiKeyCreated = z.object({ id: z.number().int(), key: z.string().min(16) });

/** `PUT /api/v0/instances/request_logs/{id}/`. */
export const LogsResponse = z.object({ success: bool, result_url: z.string(), msg: str });

/** `GET /api/v0/secrets/`: values in clear text. */
export const SecretsResponse = z.object({
  secrets: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).nullable()),
});

/** `GET /api/v0/users/current`. Strip mode drops api_key and everything else not listed. */
export const WireUser = z.object({
  id: z.number(),
  username: str,
  email: str,
  credit: num,
  balance: num,
});
/** A validated wire user. */
export type WireUser = z.infer<typeof WireUser>;

/** One page of `GET /api/v0/charges/`. */
export const ChargesPage = z.object({ results: z.array(z.unknown()), next_token: z.string().nullish() });

/** One charge row. */
export const WireCharge = z.object({
  start: z.number(),
  end: z.number(),
  type: str,
  source: str,
  description: str,
  amount: z.number(),
});
/** A validated wire charge. */
export type WireCharge = z.infer<typeof WireCharge>;

/** `GET /api/v0/gpu_names/unique/`. */
export const GpuNamesResponse = z.object({ gpu_names: z.array(z.string()) });
