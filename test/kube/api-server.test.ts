/** The Kubernetes API server's addresses as NetworkPolicy CIDRs, read from Service kubernetes's endpoints. */
import { describe, expect, it } from 'vitest';
import type { KubeApi } from '../../src/kube/api.js';
import { hostCidr, kubeApiServerCidrs } from '../../src/kube/api-server.js';

/** Only what kubeApiServerCidrs calls: get of the Endpoints, list of the EndpointSlices; every call recorded. */
function fakeApi(endpoints: unknown, slices: unknown[] = []) {
  const calls: string[] = [];
  const api = {
    get: async (ref: { kind: string; namespace?: string; name: string }) => (calls.push(`get ${ref.kind} ${ref.namespace}/${ref.name}`), endpoints),
    list: async (ref: { kind: string; namespace?: string }, o: { labelSelector?: string }) => (calls.push(`list ${ref.kind} ${ref.namespace} ${o.labelSelector}`), { items: slices, resourceVersion: '1' }),
  } as unknown as KubeApi;
  return { api, calls };
}

describe('kubeApiServerCidrs', () => {
  it('reads the endpoint addresses of Service kubernetes in default, distinct and sorted, as host CIDRs', async () => {
    const { api, calls } = fakeApi({ subsets: [{ addresses: [{ ip: '172.18.0.3' }, { ip: '172.18.0.2' }] }, { addresses: [{ ip: '172.18.0.2' }, { ip: 'fd00::1' }] }] });
    expect(await kubeApiServerCidrs(api)).toEqual(['172.18.0.2/32', '172.18.0.3/32', 'fd00::1/128']);
    expect(calls).toEqual(['get Endpoints default/kubernetes']);
  });

  it('falls back to the EndpointSlices of the Service when the Endpoints show none', async () => {
    const { api, calls } = fakeApi(undefined, [{ endpoints: [{ addresses: ['10.0.0.10'] }, { addresses: ['10.0.1.10'] }] }]);
    expect(await kubeApiServerCidrs(api)).toEqual(['10.0.0.10/32', '10.0.1.10/32']);
    expect(calls).toEqual(['get Endpoints default/kubernetes', 'list EndpointSlice default kubernetes.io/service-name=kubernetes']);
    expect(await kubeApiServerCidrs(fakeApi({ subsets: [] }).api)).toEqual([]);
  });

  it('a host CIDR is /32 for IPv4 and /128 for IPv6', () => {
    expect(hostCidr('10.0.0.1')).toBe('10.0.0.1/32');
    expect(hostCidr('2001:db8::1')).toBe('2001:db8::1/128');
  });
});
