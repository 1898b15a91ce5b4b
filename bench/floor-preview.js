/**
 * The preview's floor: a Node process that only loads what any offline preview of a GKE stack must load —
 * the Pulumi SDK with its mock runtime, the provider classes the program declares (cluster, node pool,
 * Kubernetes provider, Namespace, Helm Release, Job, the Settings custom resource), zod for the stack
 * config and yaml for the stack file — and declares nothing. Plain JavaScript: no compiler in the floor.
 */
"use strict";
const pulumi = require("@pulumi/pulumi");
require("@pulumi/pulumi/runtime/settings");
require("@pulumi/pulumi/runtime/rpc");
const k8s = require("@pulumi/kubernetes");
const gcp = require("@pulumi/gcp");
require("zod");
require("yaml");

// The provider packages load their resource modules on first access: touch each class the program uses.
const used = [
    pulumi.runtime.setMocks,
    k8s.Provider,
    k8s.core.v1.Namespace,
    k8s.helm.v3.Release,
    k8s.batch.v1.Job,
    k8s.apiextensions.CustomResource,
    gcp.container.Cluster,
    gcp.container.NodePool,
    gcp.organizations.getProject,
];
if (used.some((thing) => typeof thing !== "function")) throw new Error("floor: a class the preview uses is missing");
