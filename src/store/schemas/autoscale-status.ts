// What an app's HorizontalPodAutoscaler reports now: GET /apps/:app/autoscale/status, the CLI and the dashboard.
import { Type } from 'typebox';
import { closed } from './type-helpers.js';

export const autoscaleStatusSchema = Type.Object(
  {
    currentReplicas: Type.Integer({ description: 'Pods the workload has now.' }),
    desiredReplicas: Type.Integer({ description: 'Pods the autoscaler last asked for.' }),
    cpuPercent: Type.Optional(Type.Integer({ description: 'Average CPU use now, in percent of the request.' })),
    memoryPercent: Type.Optional(Type.Integer({ description: 'Average memory use now, in percent of the request.' })),
    lastScaleTime: Type.Optional(Type.String()),
    problem: Type.Optional(Type.String({ description: "Why it cannot scale, when a condition says so (e.g. no metrics yet: FailedGetResourceMetric)." })),
  },
  { ...closed, description: "The app's HorizontalPodAutoscaler as the cluster reports it; null when there is none (yet)." },
);
