// The benchmarks' tenant corpus: gitops/tenants/tenant-example-corp.yaml, and a directory of 1,000 copies of it
// with their own ids (t0000 ... t0999), in a fresh temporary directory (the caller removes `work`).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tenantFleet(root, prefix, count = 1000) {
  const example = join(root, 'gitops', 'tenants', 'tenant-example-corp.yaml');
  const work = mkdtempSync(join(tmpdir(), prefix));
  const fleet = join(work, 'tenants');
  mkdirSync(fleet);
  const text = readFileSync(example, 'utf8');
  for (let i = 0; i < count; i++) {
    const id = `t${String(i).padStart(4, '0')}`;
    writeFileSync(join(fleet, `tenant-${id}.yaml`), text.replaceAll('example-corp', id).replace('Example Corp', `Tenant ${i}`));
  }
  return { example, work, fleet };
}
