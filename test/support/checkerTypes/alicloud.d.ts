// What components/*.ts use of @pulumi/alicloud, declared as the provider's own index declares it, for Stryker's
// TypeScript checker only: see gcp.d.ts beside it for why. A component that starts using another alicloud member
// fails the checker's first build ("Property ... does not exist"): declare it here.
export { Provider } from "@pulumi/alicloud/provider";
export declare namespace cs {
    const ManagedKubernetes: typeof import("@pulumi/alicloud/cs/managedKubernetes").ManagedKubernetes;
    type ManagedKubernetes = import("@pulumi/alicloud/cs/managedKubernetes").ManagedKubernetes;
    const NodePool: typeof import("@pulumi/alicloud/cs/nodePool").NodePool;
    type NodePool = import("@pulumi/alicloud/cs/nodePool").NodePool;
    const getClusterCredential: typeof import("@pulumi/alicloud/cs/getClusterCredential").getClusterCredential;
    const getClusterCredentialOutput: typeof import("@pulumi/alicloud/cs/getClusterCredential").getClusterCredentialOutput;
}
export declare namespace servicemesh {
    const ServiceMesh: typeof import("@pulumi/alicloud/servicemesh/serviceMesh").ServiceMesh;
    type ServiceMesh = import("@pulumi/alicloud/servicemesh/serviceMesh").ServiceMesh;
    const getVersions: typeof import("@pulumi/alicloud/servicemesh/getVersions").getVersions;
}
export declare namespace vpc {
    const Network: typeof import("@pulumi/alicloud/vpc/network").Network;
    type Network = import("@pulumi/alicloud/vpc/network").Network;
    const Switch: typeof import("@pulumi/alicloud/vpc/switch").Switch;
    type Switch = import("@pulumi/alicloud/vpc/switch").Switch;
}
