import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import {
    AsmcliScriptOptions,
    asmcliInstallScript,
    isKubeconfigContents,
    renderAsmOverlay,
    sha256,
} from "./render/asmOverlay";

/** The asmcli run (see AsmcliScriptOptions for each field), and what the install adds to it. */
export interface AsmInstallArgs extends AsmcliScriptOptions {
    /** Put ENABLE_NATIVE_SIDECARS "true" in the overlay. */
    nativeSidecars: boolean;
    /** Install Istio CNI through the overlay's `cni` component and inject through it. */
    cni?: boolean;
    /** Resources the install waits for (the cluster and its node pools). */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
    /** A value written into the script is secret (an asmcli option, a kubeconfig path or context): the script
     *  (`create`) is kept secret. A kubeconfig given by its contents is never in the script: it goes on stdin. */
    scriptSecret?: boolean;
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
        // Everything but what the install itself adds is the asmcli run.
        const { nativeSidecars, cni, dependsOn, scriptSecret, ...run } = args;
        this.overlay = renderAsmOverlay(
            args.version,
            nativeSidecars,
            cni ? { gke: args.target.kind === "gke" } : undefined,
        );
        this.revision = args.revision;
        this.revisionTags = [...args.revisionTags];
        const script = asmcliInstallScript(run);
        const { target } = args;
        this.install = new command.local.Command(
            `${name}-asmcli`,
            {
                create: scriptSecret ? pulumi.secret(script) : script,
                environment: { NATIVEMESH_OVERLAY: this.overlay },
                // A kubeconfig given by its contents goes in on stdin, as a secret.
                stdin:
                    target.kind === "kubeconfig" && isKubeconfigContents(target.kubeconfig)
                        ? pulumi.secret(target.kubeconfig)
                        : undefined,
                // A changed overlay, release or revision replaces the command, which re-runs the install.
                triggers: [sha256(this.overlay), args.version, args.revision],
            },
            { parent: this, dependsOn },
        );
        this.registerOutputs({ overlay: this.overlay, revision: this.revision });
    }
}
