/** Public surface of the Vast.ai client. */
export type { VastApi } from './api.js';
export type * from './types.js';
export { VastClient, type VastClientOptions } from './client.js';
export { VastError, type VastErrorKind } from './errors.js';
export {
  VastHttp,
  apiPath,
  encodeQuery,
  endpointKey,
  pyJson,
  quotePlus,
  type HttpOptions,
  type CallSpec,
} from './http.js';
export {
  defaultOfferQuery,
  parseOfferQuery,
  parseOrder,
  toWireBody,
  resolveField,
  driverInt,
  OfferQueryError,
  OFFER_FIELDS,
  FIELD_ALIASES,
  type Op,
  type FilterValue,
  type OfferQuery,
} from './offer-query.js';
export { decodeOffers, type DecodedOffers } from './offer-decode.js';
export {
  sshEndpoint,
  offerFromWire,
  instanceFromWire,
  userFromWire,
  chargeFromWire,
  countryOf,
  statusOf,
  portsOf,
  envKeysOf,
  type SshEndpoint,
} from './units.js';
