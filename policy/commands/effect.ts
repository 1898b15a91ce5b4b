// What a command line does to the mesh, as the command readers (istioctl, helm, kubectl, gcloud, asmcli, aliyun,
// curl/wget, unknown tools) report it to the rules.

import { shown, type Invocation } from "../shell";

export type CommandEffect =
    /** It applies this resource (an IstioOperator istioctl installs, a Helm release, a kubectl object or patch):
     *  the rules read it as if the stack declared it. `forNative: false`: native-sidecars-enabled has a
     *  cannot-tell of its own for it (values the pack cannot see). */
    | { kind: "resource"; what: string; type: string; props: Record<string, unknown>; forNative?: boolean }
    /** It turns on a Google-managed control plane. */
    | { kind: "managed"; what: string }
    /** It turns native sidecars off. */
    | { kind: "native-off"; what: string; why: string }
    /** It may change the mesh in a way the pack cannot read. */
    | { kind: "cannot-tell"; what: string; why: string; about: "native" | "managed" | "both" };

/** A command line for messages: the program's name and its words, unknown parts as written, cut at 120. */
export function describeInvocation(invocation: Invocation): string {
    const text = [invocation.name, ...invocation.args.map((arg) => arg.text)]
        .map((word) => shown(word))
        .map((word) => (/^[\w@%+=:,./-]*$/.test(word) ? word : `'${word}'`))
        .join(" ");
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
