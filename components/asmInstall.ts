import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { AsmTarget, asmcliInstallScript, isKubeconfigContents, renderAsmOverlay, sha256 } from "./asmOverlay";

export interface AsmInstallArgs {
    /** ASM release, MAJOR.MINOR.POINT-asm.REV, e.g. `1.19.10-asm.26`. */
    version: string;
    /** Revision name given to `--revision_name`. */
    revision: string;
    /** Revision tags set with istioctl after the install. */
    revisionTags: string[];
    /** Put ENABLE_NATIVE_SIDECARS "true" in the overlay. */
    nativeSidecars: boolean;
    /** Path of the asmcli script of that release. */
    asmcli: string;
    /** Certificate authority: mesh_ca, citadel, gcp_cas or managed_cas. */
    ca: string;
    /** Fleet host project, when not the cluster's project. */
    fleetId?: string;
    /** asmcli's `--output_dir`. */
    outputDir: string;
    /** Let asmcli enable APIs, roles, labels and fleet registration (`--enable_all`). */
    enableAll: boolean;
    /** Extra `--option` values. */
    options: string[];
    /** The cluster asmcli installs on. */
    target: AsmTarget;
    /** Resources the install waits for (the cluster and its node pools). */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * Self-managed ASM installed by `asmcli install` with our overlay, through `@pulumi/command`. Never `--managed`.
 * Removing it leaves the control plane in place: asmcli has no uninstall (`istioctl uninstall --revision` does it).
 */
export class AsmInstall extends pulumi.ComponentResource {
    /** The IstioOperator overlay given to `--custom_overlay`. */
    public readonly overlay: string;
    public readonly install: command.local.Command;
    public readonly revision: string;
    public readonly revisionTags: string[];

    constructor(name: string, args: AsmInstallArgs, opts?: pulumi.ComponentResourceOptions) {
        super("nativemesh:index:AsmInstall", name, {}, opts);
        this.overlay = renderAsmOverlay(args.version, args.nativeSidecars);
        this.revision = args.revision;
        this.revisionTags = [...args.revisionTags];
        const script = asmcliInstallScript({
            asmcli: args.asmcli,
            version: args.version,
            revision: args.revision,
            revisionTags: args.revisionTags,
            ca: args.ca,
            fleetId: args.fleetId,
            outputDir: args.outputDir,
            enableAll: args.enableAll,
            options: args.options,
            target: args.target,
        });
        const { target } = args;
        this.install = new command.local.Command(
            `${name}-asmcli`,
            {
                create: script,
                environment: { NATIVEMESH_OVERLAY: this.overlay },
                // A kubeconfig given by its contents goes in on stdin, as a secret.
                stdin:
                    target.kind === "kubeconfig" && isKubeconfigContents(target.kubeconfig)
                        ? pulumi.secret(target.kubeconfig)
                        : undefined,
                // A changed overlay, release or revision replaces the command, which re-runs the install.
                triggers: [sha256(this.overlay), args.version, args.revision],
            },
            { parent: this, dependsOn: args.dependsOn },
        );
        this.registerOutputs({ overlay: this.overlay, revision: this.revision });
    }
}
