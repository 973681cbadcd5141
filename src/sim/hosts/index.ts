/** Simulated GPU hosts reachable over SSH: server, scenarios, the training job, output formats. */
export { startSimHost, generateKeyPair, type SimHost, type SimHostOptions } from './server.js';
export { HostScenarioSchema, parseScenario, type HostScenario, type HostScenarioInput } from './scenario.js';
export { SimTrainer, lastLines, metricsAt, type TrainerStatus } from './trainer.js';
export { runCommand, tokenize, type CommandIO, type ShellHost } from './shell.js';
export * from './formats.js';
