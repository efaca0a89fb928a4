/** The manifest digest the registry serves for `repository:tag`, read over its HTTP API with basic auth. */
export async function registryDigest(params: { repository: string; tag: string }): Promise<string | undefined> {
  const host = process.env.SLIPWAY_REGISTRY!;
  const auth = Buffer.from(`${process.env.SLIPWAY_REGISTRY_USER}:${process.env.SLIPWAY_REGISTRY_PASSWORD}`).toString('base64');
  const res = await fetch(`http://${host}/v2/${params.repository}/manifests/${params.tag}`, {
    method: 'HEAD',
    headers: {
      authorization: `Basic ${auth}`,
      accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json',
    },
  });
  if (res.status === 404) return undefined;
  if (!res.ok) throw new Error(`registry answered ${res.status} for ${params.repository}:${params.tag}`);
  return res.headers.get('docker-content-digest') ?? undefined;
}
