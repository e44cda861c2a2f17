/**
 * The one reader of rendered manifests (helm/helmfile output, helm release manifests, operator CRDs): it
 * turns YAML into the JSON values the Kubernetes API server receives, so lint, render, diff, install and
 * status all see the same objects.
 *
 * Facts this module relies on (read in sigs.k8s.io/yaml v1.6.0, go.yaml.in/yaml/v2 v2.4.3 resolve.go and
 * decode.go, k8s.io/apimachinery v0.37.0 pkg/util/yaml/decoder.go, helm v3.18 pkg/releaseutil; checked on
 * 2026-12-02 with a Go program decoding through apimachinery's YAMLOrJSONDecoder into a RawExtension and
 * json.Unmarshal into a corev1.ConfigMap):
 *
 * - helm install/upgrade (and kubectl apply) read manifests with cli-runtime's resource builder:
 *   YAMLOrJSONDecoder splits the stream and converts every document with sigs.k8s.io/yaml YAMLToJSON into a
 *   RawExtension. A RawExtension is a json.Unmarshaler, so the conversion is untyped (no jsonTarget): the
 *   JSON sent to the API server carries the scalar types go-yaml v2 (YAML 1.1) resolved.
 * - Documents: a line starting with `---` ends a document when only spaces or a `#` comment follow it;
 *   anything else after `---` (`---x`, `--- a: 1`) is the error "invalid Yaml document separator". `---`
 *   indented inside a block scalar is content. Empty and comment-only documents decode to null (skipped).
 * - Plain scalars (resolve.go): y/Y/yes/Yes/YES/true/True/TRUE/on/On/ON → true; n/N/no/No/NO/false/False/
 *   FALSE/off/Off/OFF → false; ''/~/null/Null/NULL → null; .nan/.inf/-.inf (JSON cannot carry them:
 *   YAMLToJSON fails "json: unsupported value"). A scalar starting with a digit or sign: `_` removed, then
 *   Go strconv.ParseInt(s, 0, 64) (0x hex, 0o and leading-0 octal, 0b binary: `0755` → 493, `0o17` → 15,
 *   `1_000` → 1000), else ParseUint (up to 2^64-1), else the float `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)
 *   ([eE][-+]?[0-9]+)?$` (`08` → 8, `1e3` → 1000; out of range, `1e400`, stays a string); a scalar starting
 *   with `.` is a float when ParseFloat takes it (`.5`). Everything else is a string: timestamps
 *   (`2001-12-14`, kept as text for untyped targets), `1.2.3`, `0.0.0.0:80`, `190:20:30` (no sexagesimal).
 * - Keys resolve the same way and are then written as strings: `on:`/`y:` → "true", `n:`/`off:` → "false",
 *   `0755:` → "493"; a null key is an error ("unsupported map key"). Duplicate keys are not an error in
 *   YAMLToJSON (non-strict): the last one wins. Anchors, aliases and `<<` merge keys work.
 * - What the API server sees: that JSON. A typed field rejects a wrong type: ConfigMap `data: {a: on}`
 *   fails with "json: cannot unmarshal bool into Go struct field ConfigMap.data of type string" (so lint's
 *   schema check must see the boolean too). Custom resources are unstructured: `true`/493 are stored as
 *   such and the CRD's structural schema judges them. Only sigs.k8s.io/yaml.Unmarshal into a Go struct
 *   (typed target, not what helm does) turns numbers/bools in string fields into text ("493", "true").
 * - Integers beyond 2^53 become JavaScript numbers (rounded); Kubernetes keeps them exact (int64/uint64).
 *
 * Parsing is js-yaml's (a dependency of its own, declared in package.json; also what client-node uses) with a
 * schema built from the rules above, not its YAML 1.1 schema (that one has sexagesimal numbers, timestamps
 * and a different octal/float grammar).
 */
import { defineMappingTag, defineScalarTag, FAILSAFE_SCHEMA, loadAll, mergeTag, NOT_RESOLVED, YAMLException } from 'js-yaml';
import { isRecord } from '../object.js';
import type { KubeObject } from '../kube-object.js';

const WORDS = new Map<string, unknown>();
for (const w of ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']) WORDS.set(w, true);
for (const w of ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']) WORDS.set(w, false);
for (const w of ['', '~', 'null', 'Null', 'NULL']) WORDS.set(w, null);
for (const w of ['.nan', '.NaN', '.NAN']) WORDS.set(w, NaN);
for (const w of ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']) WORDS.set(w, Infinity);
for (const w of ['-.inf', '-.Inf', '-.INF']) WORDS.set(w, -Infinity);

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const DOT_FLOAT = /^\.[0-9]+([eE][-+]?[0-9]+)?$/;

/** Go strconv.ParseInt/ParseUint with base 0 (after go-yaml removed underscores); undefined when it fails. */
function goParseInt(s: string): bigint | undefined {
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const body = m[2]!;
  let v: bigint;
  if (/^0[xXbBoO]/.test(body)) v = BigInt(body.toLowerCase());
  else if (body.length > 1 && body[0] === '0') v = BigInt(`0o${body.slice(1)}`);
  else v = BigInt(body);
  if (m[1] === '-') v = -v;
  if (v >= INT64_MIN && v <= INT64_MAX) return v;
  // ParseUint takes no sign
  if (!m[1] && v <= UINT64_MAX) return v;
  return undefined;
}

/** A plain (untagged, unquoted) scalar as go-yaml v2 resolves it for an untyped target. */
export function resolveScalar(s: string): unknown {
  if (WORDS.has(s)) return WORDS.get(s);
  const c = s.charCodeAt(0);
  if (c === 46 /* . */) return DOT_FLOAT.test(s) ? Number(s) : s;
  if ((c >= 48 && c <= 57) || c === 43 || c === 45) {
    if (/^[0-9]{4}-/.test(s)) return s; // a timestamp or something else: text either way
    const plain = s.replaceAll('_', '');
    const int = goParseInt(plain);
    if (int !== undefined) return int === 0n ? 0 : Number(int);
    if (YAML_STYLE_FLOAT.test(plain)) {
      const f = Number(plain);
      if (Number.isFinite(f)) return f === 0 ? 0 : f;
    }
  }
  return s;
}

/**
 * One implicit tag for every plain scalar: the resolution above. Non-finite floats are refused as
 * YAMLToJSON refuses them (JSON has no Infinity/NaN).
 */
const kubeScalar = defineScalarTag<unknown>('tag:logclaw.io,2026:kube-scalar', {
  implicit: true,
  implicitFirstChars: null,
  resolve(source, isExplicit) {
    if (isExplicit) return NOT_RESOLVED;
    const v = resolveScalar(source);
    if (v === source) return NOT_RESOLVED; // a string: left to !!str
    if (typeof v === 'number' && !Number.isFinite(v)) throw new YAMLException(`json: unsupported value: ${source} (the API server cannot receive it)`);
    return v;
  },
  identify: () => false,
});

/** Mappings as YAMLToJSON writes them: scalar keys as strings, a null or collection key refused. */
const kubeMap = defineMappingTag<Record<string, unknown>>('tag:yaml.org,2002:map', {
  create: () => ({}),
  addPair(carrier, key, value) {
    if (key === null || key === undefined) return 'unsupported map key: null (YAMLToJSON refuses it)';
    if (typeof key === 'object') return 'unsupported map key: a collection (YAMLToJSON refuses it)';
    const k = String(key);
    if (k === '__proto__') Object.defineProperty(carrier, k, { value, enumerable: true, writable: true, configurable: true });
    else carrier[k] = value;
    return '';
  },
  has: (carrier, key) => Object.hasOwn(carrier, String(key)),
  keys: (result) => Object.keys(result),
  get: (result, key) => result[String(key)],
  identify: () => false,
});

const SCHEMA = FAILSAFE_SCHEMA.withTags(kubeScalar, kubeMap, mergeTag);
const LOAD_OPTIONS = { schema: SCHEMA, json: true, maxDepth: 1000, maxTotalMergeKeys: -1 } as const;

export interface KubeDocument {
  /** The document's text (without its `---` line). */
  text: string;
  /** 1-based line of the document's first line in the stream. */
  line: number;
}

/** Split a manifest stream into documents, as apimachinery's YAMLReader does (see the header). */
export function splitDocuments(stream: string): KubeDocument[] {
  const docs: KubeDocument[] = [];
  let start = 0;
  let startLine = 1;
  let line = 1;
  let pos = 0;
  const push = (end: number) => {
    const text = stream.slice(start, end);
    if (text.length) docs.push({ text, line: startLine });
  };
  while (pos <= stream.length) {
    let nl = stream.indexOf('\n', pos);
    if (nl < 0) nl = stream.length;
    if (stream.startsWith('---', pos)) {
      const rest = stream.slice(pos + 3, nl).trim();
      if (rest && rest[0] !== '#') throw new YAMLException(`invalid Yaml document separator: ${rest} (line ${line})`);
      push(pos);
      start = nl + 1;
      startLine = line + 1;
    }
    pos = nl + 1;
    line++;
  }
  push(stream.length);
  return docs;
}

/** One document's value as the API server would receive it (null for an empty document). */
export function parseKubeYaml(text: string): unknown {
  // go-yaml's Unmarshal reads the first document of its input; splitDocuments leaves one per text.
  const values = loadAll(text, LOAD_OPTIONS);
  return values.length ? (values[0] ?? null) : null;
}

/** Every document's value in a stream (empty documents as null). */
export function parseKubeDocuments(stream: string): unknown[] {
  return splitDocuments(stream).map((d) => parseKubeYaml(d.text));
}

/** The Kubernetes objects of a stream: documents that are mappings with a kind; `*List` kinds flattened. */
export function parseKubeObjects(stream: string): KubeObject[] {
  const out: KubeObject[] = [];
  for (const v of parseKubeDocuments(stream)) {
    if (!isRecord(v) || typeof v.kind !== 'string') continue;
    if (v.kind.endsWith('List') && Array.isArray(v.items)) {
      for (const item of v.items) if (isRecord(item) && typeof item.kind === 'string') out.push(item as KubeObject);
    } else out.push(v as KubeObject);
  }
  return out;
}
