// The useapi.net HTTP client (Node): call createUseapiClient and switch on each result's `kind`.
export { createUseapiClient, UseapiConfigError, DEFAULT_TIMEOUT_MS, DEFAULT_USER_AGENT } from './client';
export type { RequestOptions, UseapiClient, UseapiClientOptions } from './client';
export { describeResult } from './result';
export type * from './result';
export { apiOrigin, isLoopbackHost, resolveApiRoot } from './base-url';
export type { BaseUrlResult } from './base-url';
export { parseRetryAfter } from './retry-after';
export { maskToken, redactToken } from './mask-token';
export { DOWNLOAD_FILE_TYPES, isNumericId } from './validate';
export type { DownloadFileType, ListTasksQuery } from './validate';
export { MAX_BODY_BYTES } from './transport';
