import { CoreV1Api, type V1PersistentVolumeClaim } from '@kubernetes/client-node';
import type { FastifyInstance } from 'fastify';
import { changeApp } from '../../apps/change-app.js';
import { ensureNamespace } from '../../releases/cluster/apply.js';
import { volumeSchema } from '../../apps/lifecycle-schemas.js';
import { FIELD_MANAGER } from '../../releases/render/labels.js';
import { claimName, renderClaim } from '../../releases/render/render-volumes.js';
import { SlipwayError, ValidationError } from '../../errors.js';
import type { VolumeSpec } from '../../store/types.js';
import type { ApiDeps } from '../deps.js';
import { appParams } from '../schemas.js';

const volumeParams = { type: 'object', properties: { app: { type: 'string', maxLength: 63 }, name: { type: 'string', maxLength: 63 } } };
const volumeView = { type: 'object', additionalProperties: true };
const releaseOrNull = { anyOf: [{ $ref: 'Release#' }, { type: 'null' }] };

/**
 * App volumes: a PersistentVolumeClaim `<app>-<name>` created at once (so a claim that cannot be
 * made fails here, not in a rollout) and mounted from the next release on, which a running app
 * gets now. Claims outlive the app unless its deletion asks otherwise.
 */
export default async function volumeRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.get<{ Params: { app: string } }>(
    '/apps/:app/volumes',
    { schema: { params: appParams, response: { 200: { type: 'object', properties: { volumes: { type: 'array', items: volumeView } } } } } },
    async (request) => {
      const target = await deps.apps.get(request.params.app);
      return { volumes: (target.deploy.volumes ?? []).map((v) => ({ ...v, claim: claimName(target.name, v.name) })) };
    },
  );

  app.post<{ Params: { app: string }; Body: VolumeSpec }>(
    '/apps/:app/volumes',
    { schema: { params: appParams, body: volumeSchema, response: { 201: { type: 'object', properties: { volume: volumeView, release: releaseOrNull } } } } },
    async (request, reply) => {
      const target = await deps.apps.get(request.params.app);
      const volume = request.body;
      const volumes = target.deploy.volumes ?? [];
      if (volumes.some((v) => v.name === volume.name)) throw new SlipwayError('VOLUME_EXISTS', `app "${target.name}" already has a volume "${volume.name}"`, { volume: volume.name });
      const clash = volumes.find((v) => v.mountPath === volume.mountPath);
      if (clash) throw new ValidationError(`volume "${clash.name}" is already mounted at ${volume.mountPath}`, { field: 'mountPath' });
      const kc = deps.kubeConfig();
      const namespace = target.deploy.namespace;
      await ensureNamespace({ kc, namespace, app: target.name, manage: deps.config.manageNamespaces });
      try {
        await kc.makeApiClient(CoreV1Api).createNamespacedPersistentVolumeClaim({
          namespace,
          body: renderClaim({ app: target.name, namespace, volume }) as V1PersistentVolumeClaim,
          fieldManager: FIELD_MANAGER,
        });
      } catch (error) {
        // A claim kept from an earlier life of the app is mounted again, data and all.
        if ((error as { code?: number }).code !== 409) throw error;
      }
      const { release } = await changeApp(deps, { app: target, deploy: { ...target.deploy, volumes: [...volumes, volume] } });
      return reply.code(201).send({ volume: { ...volume, claim: claimName(target.name, volume.name) }, release: release ?? null });
    },
  );

  app.delete<{ Params: { app: string; name: string }; Querystring: { claim?: 'keep' | 'delete' } }>(
    '/apps/:app/volumes/:name',
    {
      schema: {
        params: volumeParams,
        querystring: { type: 'object', additionalProperties: false, properties: { claim: { type: 'string', enum: ['keep', 'delete'] } } },
        response: { 200: { type: 'object', properties: { removed: { type: 'string' }, claim: { type: 'string' }, claimDeleted: { type: 'boolean' }, release: releaseOrNull } } },
      },
    },
    async (request) => {
      const target = await deps.apps.get(request.params.app);
      const volumes = target.deploy.volumes ?? [];
      if (!volumes.some((v) => v.name === request.params.name)) {
        throw new SlipwayError('VOLUME_NOT_FOUND', `app "${target.name}" has no volume "${request.params.name}"`, { volume: request.params.name });
      }
      const { release } = await changeApp(deps, { app: target, deploy: { ...target.deploy, volumes: volumes.filter((v) => v.name !== request.params.name) } });
      const claim = claimName(target.name, request.params.name);
      const claimDeleted = request.query.claim === 'delete';
      if (claimDeleted) {
        // Kubernetes keeps a claim that pods still use until they are gone (pvc-protection).
        await deps.kubeConfig().makeApiClient(CoreV1Api).deleteNamespacedPersistentVolumeClaim({ namespace: target.deploy.namespace, name: claim }).catch((error: unknown) => {
          if ((error as { code?: number }).code !== 404) throw error;
        });
      }
      return { removed: request.params.name, claim, claimDeleted, release: release ?? null };
    },
  );
}
