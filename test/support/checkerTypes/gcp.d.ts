// What components/*.ts use of @pulumi/gcp, declared as the provider's own index declares it (a `typeof import()`
// per member, from the provider's own typings), for Stryker's TypeScript checker only: tsconfig.mutate-components.json
// maps "@pulumi/gcp" here. The package's index pulls in every service's typings (2,141 files, 860,000 lines), and
// the checker builds with TypeScript's solution builder, which parses the whole program again for each mutant, so
// a smaller program is a faster check. The types are the provider's, so a mutant compiles here exactly when it
// compiles against the whole package. A component that starts using another gcp member fails the checker's first
// build ("Property ... does not exist"): declare it here.
export declare namespace compute {
    const Firewall: typeof import("@pulumi/gcp/compute/firewall").Firewall;
    type Firewall = import("@pulumi/gcp/compute/firewall").Firewall;
    const Router: typeof import("@pulumi/gcp/compute/router").Router;
    type Router = import("@pulumi/gcp/compute/router").Router;
    const RouterNat: typeof import("@pulumi/gcp/compute/routerNat").RouterNat;
    type RouterNat = import("@pulumi/gcp/compute/routerNat").RouterNat;
}
export declare namespace container {
    const Cluster: typeof import("@pulumi/gcp/container/cluster").Cluster;
    type Cluster = import("@pulumi/gcp/container/cluster").Cluster;
    const NodePool: typeof import("@pulumi/gcp/container/nodePool").NodePool;
    type NodePool = import("@pulumi/gcp/container/nodePool").NodePool;
}
export declare namespace gkehub {
    const Feature: typeof import("@pulumi/gcp/gkehub/feature").Feature;
    type Feature = import("@pulumi/gcp/gkehub/feature").Feature;
    const FeatureMembership: typeof import("@pulumi/gcp/gkehub/featureMembership").FeatureMembership;
    type FeatureMembership = import("@pulumi/gcp/gkehub/featureMembership").FeatureMembership;
    const Membership: typeof import("@pulumi/gcp/gkehub/membership").Membership;
    type Membership = import("@pulumi/gcp/gkehub/membership").Membership;
}
export declare namespace kms {
    const CryptoKeyIAMMember: typeof import("@pulumi/gcp/kms/cryptoKeyIAMMember").CryptoKeyIAMMember;
    type CryptoKeyIAMMember = import("@pulumi/gcp/kms/cryptoKeyIAMMember").CryptoKeyIAMMember;
}
export declare namespace organizations {
    const getProjectOutput: typeof import("@pulumi/gcp/organizations/getProject").getProjectOutput;
}
export declare namespace projects {
    const IAMMember: typeof import("@pulumi/gcp/projects/iammember").IAMMember;
    type IAMMember = import("@pulumi/gcp/projects/iammember").IAMMember;
    const Service: typeof import("@pulumi/gcp/projects/service").Service;
    type Service = import("@pulumi/gcp/projects/service").Service;
}
export declare namespace serviceaccount {
    const Account: typeof import("@pulumi/gcp/serviceaccount/account").Account;
    type Account = import("@pulumi/gcp/serviceaccount/account").Account;
}
