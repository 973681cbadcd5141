/**
 * The wire shape of an instance row (`GET /api/v1/instances/`, `GET /api/v0/instances/{id}/`), in Vast's
 * units. Every row carries `start_date` (number) and `extra_env` (list of [k, v]) — the official CLI
 * crashes without them (vast-api.md A1).
 */
import { directPorts, isDirect, storageHourly, telemetry, type InstanceRec } from './instances.js';
import { round } from './prng.js';

/** Columns stored on the contract: the only ones `select_filters` and `order_by` accept. */
export const STORED_COLUMNS = new Set([
  'id',
  'actual_status',
  'intended_status',
  'cur_state',
  'next_state',
  'gpu_name',
  'verification',
  'label',
  'machine_id',
  'host_id',
  'bundle_id',
  'start_date',
  'end_date',
  'image_uuid',
  'geolocation',
  'is_bid',
  'template_id',
  'template_hash_id',
  'disk_space',
  'status_msg',
]);

/**
 * The stored columns of an instance's row (the same values instanceRow gives them), without the telemetry and
 * pricing: the v1 list filters and sorts on these and builds full rows only for the page it answers.
 */
export function storedColumns(rec: InstanceRec): Record<string, unknown> {
  const o = rec.offer;
  return {
    id: rec.id,
    machine_id: o.machine_id,
    host_id: o.host_id,
    bundle_id: o.bundle_id,
    label: rec.label,
    actual_status: rec.status,
    intended_status: rec.intended,
    cur_state: rec.intended === 'stopped' || rec.status === 'stopped' ? 'stopped' : 'running',
    next_state: rec.intended,
    status_msg: rec.statusMsg,
    template_id: null,
    template_hash_id: null,
    image_uuid: rec.image,
    gpu_name: o.gpu_name,
    disk_space: rec.disk,
    start_date: round(rec.createdAt / 1000, 3),
    end_date: o.end_date,
    is_bid: rec.isBid,
    verification: o.verification,
    geolocation: o.geolocation,
  };
}

/** Build the full wire row of an instance at sim time `now` (epoch ms). */
export function instanceRow(rec: InstanceRec, now: number, busy?: boolean): Record<string, unknown> {
  const o = rec.offer;
  const running = rec.status === 'running';
  const storage = storageHourly(rec);
  const dphTotal = rec.dphBase + storage;
  const t = telemetry(rec, now, busy);
  const uptimeMs = rec.uptimeMs + (running ? now - rec.since : 0);
  const startS = rec.createdAt / 1000;
  const diskUsage = round(Math.min(rec.disk * 0.9, 3 + (uptimeMs / 3_600_000) * 0.8), 2);
  const row: Record<string, unknown> = {
    id: rec.id,
    machine_id: o.machine_id,
    host_id: o.host_id,
    bundle_id: o.bundle_id,
    ask_contract_id: o.id,
    label: rec.label,
    actual_status: rec.status,
    intended_status: rec.intended,
    cur_state: rec.intended === 'stopped' || rec.status === 'stopped' ? 'stopped' : 'running',
    next_state: rec.intended,
    status_msg: rec.statusMsg,
    template_id: null,
    template_hash_id: null,
    template_name: null,
    image_uuid: rec.image,
    image_args: rec.args ?? [],
    image_runtype: rec.runtype,
    extra_env: rec.env,
    onstart: rec.onstart,
    jupyter_token: null,
    args: rec.args,
    num_gpus: o.num_gpus,
    gpu_name: o.gpu_name,
    gpu_ram: o.gpu_ram,
    gpu_totalram: o.gpu_total_ram,
    gpu_util: t.gpuUtil,
    gpu_temp: t.gpuTemp,
    gpu_frac: 1,
    gpu_arch: o.gpu_arch,
    gpu_lanes: o.gpu_lanes,
    gpu_mem_bw: o.gpu_mem_bw,
    bw_nvlink: o.bw_nvlink,
    compute_cap: o.compute_cap,
    cpu_cores: o.cpu_cores,
    cpu_cores_effective: o.cpu_cores_effective,
    cpu_name: o.cpu_name,
    cpu_arch: o.cpu_arch,
    cpu_ram: o.cpu_ram,
    cpu_util: t.cpuUtil,
    mem_usage: t.memUsage,
    mem_limit: round(Number(o.cpu_ram) / 1024, 2),
    vmem_usage: 0,
    disk_space: rec.disk,
    disk_usage: diskUsage,
    disk_util: round(diskUsage / rec.disk, 4),
    disk_bw: o.disk_bw,
    disk_name: o.disk_name,
    inet_up: o.inet_up,
    inet_down: o.inet_down,
    inet_up_billed: null,
    inet_down_billed: null,
    cuda_max_good: o.cuda_max_good,
    driver_version: o.driver_version,
    public_ipaddr: '127.0.0.1',
    local_ipaddrs: '10.0.0.2 172.17.0.1\n',
    ssh_host: '127.0.0.1',
    ssh_port: rec.sshPort,
    ssh_idx: '1',
    machine_dir_ssh_port: rec.sshPort,
    direct_port_start: isDirect(rec) ? rec.sshPort + 2 : -1,
    direct_port_end: isDirect(rec) ? rec.sshPort + 3 : -1,
    direct_port_count: isDirect(rec) ? 2 : 0,
    static_ip: o.static_ip,
    start_date: round(startS, 3),
    end_date: o.end_date,
    uptime_mins: rec.status === null ? null : round(uptimeMs / 60_000, 2),
    duration: round((now - rec.createdAt) / 1000, 1),
    time_remaining: '',
    time_remaining_isbid: rec.isBid ? 'interruptible' : '',
    dph_total: round(dphTotal, 6),
    dph_base: rec.dphBase,
    storage_cost: rec.storageCost,
    storage_total_cost: round(storage, 6),
    vram_costperhour: o.vram_costperhour,
    search: {
      gpuCostPerHour: rec.dphBase,
      diskHour: round(storage, 6),
      totalHour: round(dphTotal, 6),
      discountTotalHour: 0,
      discountedTotalPerHour: round(dphTotal, 6),
    },
    instance: {
      gpuCostPerHour: rec.dphBase,
      diskHour: round(storage, 6),
      totalHour: round(dphTotal, 6),
      discountTotalHour: 0,
      discountedTotalPerHour: round(dphTotal, 6),
    },
    is_bid: rec.isBid,
    min_bid: o.min_bid,
    credit_balance: null,
    credit_discount: null,
    credit_discount_max: o.credit_discount_max,
    client_run_time: round(uptimeMs / 3_600_000, 3),
    host_run_time: 0,
    reliability2: o.reliability,
    verification: o.verification,
    geolocation: o.geolocation,
    rentable: true,
    external: o.external,
    hosting_type: o.hosting_type,
    dlperf: o.dlperf,
    dlperf_per_dphtotal: round(o.dlperf / dphTotal, 4),
    flops_per_dphtotal: round(o.total_flops / dphTotal, 4),
    total_flops: o.total_flops,
    score: o.score,
    volume_info: null,
    logo: o.logo,
    webpage: null,
  };
  if (running && isDirect(rec)) row.ports = directPorts(rec);
  return row;
}
