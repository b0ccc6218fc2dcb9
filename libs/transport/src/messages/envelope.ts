/**
 * Every migsim message is plain JSON with a schema version and a type:
 * `{ "v": 1, "type": "migration.page-batch", ... }`.
 *
 * Versioning rules:
 * - `v` is an integer >= 1 per type; codecs are precise (unknown fields are
 *   errors), so ANY change of shape — a new field, a removed one, a new
 *   meaning — is a new version.
 * - A reader registers every version it accepts; during a rolling upgrade
 *   readers learn version n+1 before any writer sends it, and writers stop
 *   sending n before readers drop it.
 * - A message a reader cannot decode (unknown type, unknown version,
 *   malformed) is never retried: the consumer dead-letters it at once with
 *   the reason and keeps serving.
 */
export interface Envelope<Type extends string = string, Version extends number = number> {
  readonly v: Version;
  readonly type: Type;
}

/** A JSON value, as it travels through Redis. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };
