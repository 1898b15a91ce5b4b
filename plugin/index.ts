/**
 * The components Pulumi's component plugin host serves to every language (PulumiPlugin.yaml; `pulumi package add`
 * of this folder). Pulumi infers the schema from these classes (`@pulumi/pulumi` provider/experimental): one
 * `args` interface without unions, and every property the class itself declares becomes an output, so it must be
 * a plain value, an Output or a resource of an `@pulumi/*` package. The library's MeshEnvironment also holds its
 * child components (GkeCluster, IstioControlPlane, MeshNamespace ...), which are none of these, so the plugin
 * serves a subclass that declares only what another language can read: the same resource type
 * (`nativemesh:index:MeshEnvironment`) and children, whatever the language.
 *
 * Left out, each for its reason (README, "Other languages"): GkeCluster, AckCluster, AlibabaMesh and AsmInstall
 * hold resources of @pulumi/gcp, @pulumi/alicloud and @pulumi/command, which every SDK generated from this schema
 * would then depend on (and whose plugins this project cannot build to test them); IstioControlPlane,
 * MeshNamespace, SidecarCanary and FormanceSettings are the parts MeshEnvironment composes, and their arguments
 * hold what the inference refuses (`Record<string, unknown>` values, `pulumi.Resource` dependencies, maps of
 * Helm releases as outputs). From TypeScript all of them stay usable on their own.
 *
 * This folder is the plugin (`pulumi package add <nativemesh>/plugin`), not the package root: Pulumi refuses a
 * folder holding both PulumiPlugin.yaml and a Pulumi.yaml, and the root is also the nativemesh program. The
 * host loads the folder with `require`, so package.json's "main" is this file's bundle (index.js, built by
 * cli/build.js on `npm ci`); the inference reads this file, through tsconfig.json here.
 */
import * as pulumi from "@pulumi/pulumi";
import type { MeshEnvironmentInputs } from "../components/meshEnvironmentArgs";

/** What the plugin reads of the library's MeshEnvironment (test/meshEnvironmentArgs.spec.ts checks that the
 *  library class has it). */
export interface LibraryEnvironmentView {
    /** The namespaces joined to the mesh. */
    namespaces: { name: string }[];
    /** The canary, when it runs. */
    canary?: { job: { metadata: pulumi.Output<{ name: string }> } };
}

/**
 * The library's MeshEnvironment, typed as a plain ComponentResource: Pulumi's inference recognizes a component
 * only by a direct `extends` of ComponentResource (analyzer.ts, isPulumiComponent), and reads its outputs from
 * the properties the class itself declares. At run time it is the library class: same resource type, same
 * children, same validation. It is required rather than imported so that the inference, which type-checks what
 * this file imports, does not read the GCP and Alibaba SDKs' declarations at every start of the plugin (about
 * 30 s of the 35 on this project's machine).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ComponentBase = (require("../components/meshEnvironment") as { MeshEnvironment: unknown })
    .MeshEnvironment as new (
    name: string,
    args: MeshEnvironmentInputs,
    opts?: pulumi.ComponentResourceOptions,
) => pulumi.ComponentResource;

/**
 * One mesh environment: cluster (GKE, ACK or an existing one), Istio control plane with native sidecars, meshed
 * namespaces, Formance Settings and the canary Job, from the keys of the `nativemesh:` configuration.
 */
export class MeshEnvironment extends ComponentBase {
    /** Kubeconfig of the cluster (secret). */
    declare public readonly kubeconfig: pulumi.Output<string>;
    /** Revision the namespaces select (none for Alibaba ASM without revisions). */
    declare public readonly revision: string | undefined;
    /** Names of the namespaces joined to the mesh. */
    public readonly namespaceNames: string[];
    /** Name of the canary Job, when the canary runs. */
    public readonly canaryJob?: pulumi.Output<string>;

    constructor(name: string, args: MeshEnvironmentInputs, opts?: pulumi.ComponentResourceOptions) {
        super(name, args, opts);
        const env = this as unknown as LibraryEnvironmentView;
        this.namespaceNames = env.namespaces.map((ns) => ns.name);
        this.canaryJob = env.canary?.job.metadata.apply((m) => m.name);
    }
}
