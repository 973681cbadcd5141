/** The Hugging Face Hub stand-in: read routes of the Hub on 127.0.0.1 for @huggingface/hub's hubUrl option. */
export { startHubStandIn, type HubStandIn, type HubStandInOptions } from './server.js';
export type { HubContent } from './repos.js';
