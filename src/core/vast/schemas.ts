/**
 * zod 4 schemas for every Vast.ai answer. Objects use zod's default strip mode (never passthrough:
 * it costs ~15× on big lists, ENGINEERING.md rule 5). Vast is sloppy, so nearly every field is
 * nullish; units.ts decides what a missing value means. Envelopes and rows are separate schemas so a
 * list can be checked row by row. Each schema is built on its first use (core/util/lazy.ts): a command pays for the two
 * or three it checks, not for all of them at start. They are zod/mini schemas (the same checks and messages as zod's
 * classic API): a headless command then never loads the classic API, ~5 ms of its start (issue #16).
 */
import '../util/zod-english.js';
import * as z from 'zod/mini';
import { lazy } from '../util/lazy.js';

/** The nullish field types every row schema shares, built once with the first row schema. */
const makeFields = () => ({
  num: z.nullish(z.number()),
  str: z.nullish(z.string()),
  bool: z.nullish(z.boolean()),
  /** Some booleans arrive as 0/1 (has_avx); accept both. */
  flag: z.nullish(z.union([z.boolean(), z.number()])),
});
let shared: ReturnType<typeof makeFields> | undefined;
const fields = () => (shared ??= makeFields());

/** One offer row of `POST /api/v0/bundles/`. */
export const WireOffer = lazy(() => {
  const f = fields();
  return z.object({
    id: z.number(),
    machine_id: f.num,
    host_id: f.num,
    gpu_name: f.str,
    num_gpus: f.num,
    gpu_ram: f.num,
    gpu_total_ram: f.num,
    cpu_ram: f.num,
    cpu_cores: f.num,
    cpu_cores_effective: f.num,
    cpu_name: f.str,
    disk_space: f.num,
    disk_bw: f.num,
    inet_down: f.num,
    inet_up: f.num,
    reliability: f.num,
    reliability2: f.num,
    dph_total: f.num,
    dph_base: f.num,
    min_bid: f.num,
    storage_cost: f.num,
    dlperf: f.num,
    dlperf_per_dphtotal: f.num,
    total_flops: f.num,
    cuda_max_good: f.num,
    compute_cap: f.num,
    driver_version: f.str,
    geolocation: f.str,
    verification: f.str,
    verified: f.flag,
    duration: f.num,
    direct_port_count: f.num,
    pcie_bw: f.num,
    score: f.num,
  });
});
/** A validated wire offer. */
export type WireOffer = z.infer<typeof WireOffer>;

/** The envelope of `POST /api/v0/bundles/`; rows are checked one by one with WireOffer. */
export const OffersResponse = lazy(() => z.object({ offers: z.array(z.unknown()) }));

/** One instance row, as in `GET /api/v1/instances/` and `GET /api/v0/instances/{id}/`. */
export const WireInstance = lazy(() => {
  const f = fields();
  const PortBinding = z.object({ HostIp: f.str, HostPort: z.nullish(z.union([z.string(), z.number()])) });
  return z.object({
    id: z.number(),
    label: f.str,
    actual_status: f.str,
    intended_status: f.str,
    status_msg: f.str,
    machine_id: f.num,
    host_id: f.num,
    gpu_name: f.str,
    num_gpus: f.num,
    gpu_ram: f.num,
    gpu_util: f.num,
    gpu_temp: f.num,
    cpu_ram: f.num,
    cpu_cores: f.num,
    cpu_cores_effective: f.num,
    cpu_util: f.num,
    disk_space: f.num,
    disk_usage: f.num,
    inet_down: f.num,
    inet_up: f.num,
    reliability: f.num,
    reliability2: f.num,
    dph_total: f.num,
    storage_total_cost: f.num,
    is_bid: f.flag,
    min_bid: f.num,
    image_uuid: f.str,
    cuda_max_good: f.num,
    driver_version: f.str,
    geolocation: f.str,
    verification: f.str,
    /** A list of [key, value] pairs on the wire; an object form is tolerated. Values are dropped in units.ts. */
    extra_env: z.nullish(z.union([z.array(z.array(z.unknown())), z.record(z.string(), z.unknown())])),
    ssh_host: f.str,
    ssh_port: f.num,
    public_ipaddr: f.str,
    /** Object form per the CLI; one docs page shows a list of ints, which carries no host ports and is ignored. */
    ports: z.nullish(z.union([z.record(z.string(), z.nullish(z.array(PortBinding))), z.array(z.unknown())])),
    image_runtype: f.str,
    start_date: f.num,
  });
});
/** A validated wire instance. */
export type WireInstance = z.infer<typeof WireInstance>;

/** One page of `GET /api/v1/instances/`. */
export const InstancesPage = lazy(() =>
  z.object({
    instances: z.array(z.unknown()),
    next_token: z.nullish(z.string()),
    total_instances: z.nullish(z.number()),
  }),
);

/** `GET /api/v0/instances/{id}/`: one object, or null when gone. */
export const ShowInstanceResponse = lazy(() => z.object({ instances: z.unknown() }));

/** `PUT /api/v0/asks/{id}/`. instance_api_key is deliberately not kept. */
export const CreateResponse = lazy(() => {
  const f = fields();
  return z.object({ success: f.bool, new_contract: z.number() });
});

/** Any action answer (`{success, msg}`); a 200 with success:false is a refusal. */
export const ActionResponse = lazy(() => {
  const f = fields();
  return z.object({ success: f.bool, msg: f.str, error: f.str });
});

/** `POST /api/v0/auth/apikeys/`: a new (scoped) key. */
export const ApiKeyCreated = lazy(() => z.object({ id: z.int(), key: z.string().check(z.minLength(16)) }));

/** `PUT /api/v0/instances/request_logs/{id}/`. */
export const LogsResponse = lazy(() => {
  const f = fields();
  return z.object({ success: f.bool, result_url: z.string(), msg: f.str });
});

/** `GET /api/v0/secrets/`: values in clear text. */
export const SecretsResponse = lazy(() =>
  z.object({
    secrets: z.record(z.string(), z.nullable(z.union([z.string(), z.number(), z.boolean()]))),
  }),
);

/** `GET /api/v0/users/current`. Strip mode drops api_key and everything else not listed. */
export const WireUser = lazy(() => {
  const f = fields();
  return z.object({
    id: z.number(),
    username: f.str,
    email: f.str,
    credit: f.num,
    balance: f.num,
  });
});
/** A validated wire user. */
export type WireUser = z.infer<typeof WireUser>;

/** One page of `GET /api/v0/charges/`. */
export const ChargesPage = lazy(() => z.object({ results: z.array(z.unknown()), next_token: z.nullish(z.string()) }));

/** One charge row. */
export const WireCharge = lazy(() => {
  const f = fields();
  return z.object({
    start: z.number(),
    end: z.number(),
    type: f.str,
    source: f.str,
    description: f.str,
    amount: z.number(),
  });
});
/** A validated wire charge. */
export type WireCharge = z.infer<typeof WireCharge>;

/** `GET /api/v0/gpu_names/unique/`. */
export const GpuNamesResponse = lazy(() => z.object({ gpu_names: z.array(z.string()) }));
