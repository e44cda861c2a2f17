/**
 * What looks like a credential, defined once, and its masking: in the command lines and logs of every tool call
 * (src/tools/exec.ts) and in what a support bundle holds.
 */

const SECRET_KEY = /(pass(word)?|secret|token|api[-_]?key|credential|private[-_]?key)/i;
/** Options whose value is a secret: `--password X`, `--password=X`, `--token X`, `--client-secret=X`... */
const SECRET_OPTION = /^--?[\w-]*(pass(word)?|secret|token|api[-_]?key|credential|private[-_]?key)$/i;
/** Options named like a secret that take no value (the secret comes from stdin or a file). */
const SECRET_FLAG = /-(stdin|file|from-file|path)$/i;
/** user:password@ in URLs (oci://, https://, git remotes). */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^/\s:@]*):[^@/\s]*@/gi;

/** Values of environment variables whose name looks secret (masked wherever output is shown). */
export function envSecrets(env: Record<string, string | undefined> | undefined): string[] {
  return Object.entries(env ?? {})
    .filter(([k, v]) => v !== undefined && v.length >= 4 && SECRET_KEY.test(k))
    .map(([, v]) => v!);
}

/** `password="…"` inside a value (Kafka's sasl.jaas.config, JDBC and LDAP option strings), quoted either way. */
const QUOTED_SECRET = /\b([\w.-]*(?:pass(?:word|wd)?|secret|token|api[-_]?key|credential)s?\s*=\s*)(["'])[^"'\n]*\2/gi;
/** `Authorization: Bearer …`, `Basic …` credentials. */
const AUTH_SCHEME = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g;
/** JSON Web Tokens (ServiceAccount tokens, OIDC id tokens): three base64url parts, the first two JSON. */
const JWT = /\beyJ[A-Za-z0-9_-]{6,}\.eyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]+/g;

/**
 * A key whose value is a credential (`password`, `clientSecret`, `apiKey`, `sasl.jaas.config`, `DB_TOKEN`), not
 * one naming where a credential lives (`secretName`, `existingSecret`, `passwordSecretRef`, `tokenPath`).
 */
export function isSecretKey(key: string): boolean {
  if (/sasl\.jaas\.config$/i.test(key)) return true;
  if (!SECRET_KEY.test(key)) return false;
  return !/(name|names|ref|namespace|store|kind|path|file|enabled|mount|policy|type|version|ttl|selector|length|provider|template|annotations|labels)$/i.test(key) && !/^existing/i.test(key);
}

/** Mask listed secrets and URL credentials in any text (command lines, stderr, the exec log). */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(URL_CREDENTIALS, '$1:***@').replace(QUOTED_SECRET, '$1$2***$2').replace(AUTH_SCHEME, '$1 ***').replace(JWT, '***');
  for (const s of secrets) if (s) out = out.split(s).join('***');
  return out;
}

/** `key=value`, `key: value` and `"key": "value"` where the key is a credential's (isSecretKey). */
const ASSIGNMENT = /(^|[\s{,;&?"'(])(["']?)([A-Za-z_][\w.-]*)\2([ \t]*[=:][ \t]*)(["']?)([^\s"',;&}]+)\5/gm;

/**
 * redactText, and every assignment to a credential-looking key in free text: configuration files kept in
 * ConfigMaps, logs, environment dumps (`DB_PASSWORD=…`, `password: …`, `"apiKey": "…"`, `sasl.jaas.config=…`).
 */
export function redactFreeText(text: string, secrets: readonly string[] = []): string {
  return redactText(text, secrets).replace(ASSIGNMENT, (all, lead: string, q: string, key: string, sep: string, vq: string, value: string) =>
    isSecretKey(key) && value !== '***' ? `${lead}${q}${key}${q}${sep}${vq}***${vq}` : all,
  );
}

/**
 * Mask values of `--set k=v` (and --set-string/--set-json/--set-literal) whose key looks secret, the value
 * of secret options (`--password X`, `--token=X`; not `--password-stdin`), credentials in URLs, and any
 * listed secret.
 */
export function redactArgs(args: readonly string[], secrets: readonly string[] = []): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    let a = args[i]!;
    const prev = args[i - 1];
    const isSetValue = prev !== undefined && /^--set(-string|-json|-literal)?$/.test(prev);
    const inline = /^(--set(?:-string|-json|-literal)?=)(.*)$/.exec(a);
    const assignment = isSetValue ? a : inline?.[2];
    if (assignment !== undefined) {
      const masked = assignment
        .split(',')
        .map((kv) => {
          const eq = kv.indexOf('=');
          return eq > 0 && SECRET_KEY.test(kv.slice(0, eq)) ? `${kv.slice(0, eq)}=***` : kv;
        })
        .join(',');
      a = inline ? `${inline[1]}${masked}` : masked;
    } else if (prev !== undefined && SECRET_OPTION.test(prev) && !SECRET_FLAG.test(prev) && !a.startsWith('-')) {
      a = '***';
    } else {
      const opt = /^(--?[\w-]+)=(.*)$/.exec(a);
      if (opt && SECRET_OPTION.test(opt[1]!) && !SECRET_FLAG.test(opt[1]!)) a = `${opt[1]}=***`;
    }
    out.push(redactText(a, secrets));
  }
  return out;
}

const quote = (a: string): string => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);

export function formatCommand(file: string, args: readonly string[], secrets: readonly string[] = []): string {
  return [file, ...redactArgs(args, secrets)].map(quote).join(' ');
}

export function tail(text: string, lines = 20): string {
  const all = text.trimEnd().split('\n');
  return all.slice(-lines).join('\n');
}
