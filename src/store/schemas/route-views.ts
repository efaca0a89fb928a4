// What GET /apps/:app/routes answers: each host and path the app is reached by, with its host's TLS.
import { Type } from 'typebox';
import { routeTlsSchema } from './deploy-config.js';
import { closed, stringEnum } from './type-helpers.js';

export const routeViewSchema = Type.Object(
  {
    host: Type.String(),
    path: Type.String(),
    pathType: stringEnum(['Prefix', 'Exact']),
    /** The app's `host` (served at `/`), not one of its `routes`. */
    primary: Type.Boolean({ description: "The app's `host` (served at `/`) rather than one of its `routes`." }),
    url: Type.String({ description: 'https:// when the host has TLS, else http://.' }),
    tls: Type.Optional(Type.Object({ secretName: Type.String(), issuer: Type.Optional(routeTlsSchema.properties.issuer) }, closed)),
  },
  closed,
);

export const routeListSchema = Type.Object(
  {
    routes: Type.Array(routeViewSchema),
    ingressClassName: Type.Union([Type.String(), Type.Null()], { description: "The app's class, else the install's (SLIPWAY_INGRESS_CLASS); null: the cluster's default class." }),
  },
  closed,
);
