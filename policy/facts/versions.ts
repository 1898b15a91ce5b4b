// Version strings as clouds, Istio and asmcli write them, and the revision names derived from them.
// Pure: no Pulumi import, so policies and the audit CLI can use it without the SDK.

export interface Version {
    major: number;
    minor: number;
    patch: number;
}

// MAJOR.MINOR[.PATCH] with an optional leading "v" and any suffix after "-", "+" or a fourth "." component:
// 1.33.5-gke.1308000 (GKE), 1.30.1-aliyun.1 (ACK), 1.19.10-asm.26 (ASM), v1.22.2.35-ge64ec8af-aliyun (Alibaba
// ASM), 1.24.3, 1.29 (as GKE and asmcli releases and Alibaba's ACK and ASM pages write them).
const DOTTED = /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:[.+-][0-9A-Za-z.+-]*)?$/;

// asmcli revision label asm-${MAJOR}${MINOR}${POINT}-${REV}: MAJOR one digit, MINOR two digits, POINT the rest
// (GoogleCloudPlatform/anthos-service-mesh-packages asmcli, REVISION_LABEL: 1.19.10-asm.9 -> asm-11910-9,
// 1.28.5-asm.12 -> asm-1285-12).
const ASMCLI_REVISION = /^asm-(\d)(\d{2})(\d+)-(\d+)$/;

// Helm-style revision name: the version with dots turned into dashes, 1.28.1 -> `1-28-1` (istio.io "Canary Upgrades").
const HELM_REVISION = /^(\d+)-(\d+)(?:-(\d+))?$/;

function toVersion(major: string, minor: string, patch: string | undefined): Version | undefined {
    const version = { major: Number(major), minor: Number(minor), patch: patch === undefined ? 0 : Number(patch) };
    const safe = [version.major, version.minor, version.patch].every((n) => Number.isSafeInteger(n));
    return safe ? version : undefined;
}

/** Reads every version form above. Returns undefined ("cannot tell") for anything else, including numbers:
 *  a YAML `1.30` arrives as the number 1.3, so a number cannot be trusted to be the version that was meant. */
export function parseVersion(text: unknown): Version | undefined {
    if (typeof text !== "string" || text.length > 256) {
        return undefined;
    }
    const trimmed = text.trim();
    const dotted = DOTTED.exec(trimmed);
    if (dotted) {
        return toVersion(dotted[1], dotted[2], dotted[3]);
    }
    const asmcli = ASMCLI_REVISION.exec(trimmed);
    if (asmcli) {
        return toVersion(asmcli[1], asmcli[2], asmcli[3]);
    }
    const helm = HELM_REVISION.exec(trimmed);
    if (helm) {
        return toVersion(helm[1], helm[2], helm[3]);
    }
    return undefined;
}

/** Negative when a < b, zero when equal, positive when a > b (major, then minor, then patch). */
export function compareVersions(a: Version, b: Version): number {
    return Math.sign(a.major - b.major) || Math.sign(a.minor - b.minor) || Math.sign(a.patch - b.patch);
}

/** Whether `text` is at or above `floor` ("1.29", "1.24.0"); undefined ("cannot tell") when `text` is
 *  unreadable. Throws for an unreadable floor: floors come from code or validated policy config. */
export function isAtLeast(text: unknown, floor: string): boolean | undefined {
    const floorVersion = parseVersion(floor);
    if (floorVersion === undefined) {
        throw new Error(
            `version floor "${floor}" is not a version; expected MAJOR.MINOR or MAJOR.MINOR.PATCH, e.g. "1.29"`,
        );
    }
    const version = parseVersion(text);
    return version === undefined ? undefined : compareVersions(version, floorVersion) >= 0;
}

/** The revision name an install method gives a version: helm "1.28.1" -> "1-28-1"; asmcli
 *  "1.19.10-asm.26" -> "asm-11910-26" (asmcli REVISION_LABEL). Throws when the version does not fit the method. */
export function revisionFromVersion(version: string, method: "helm" | "asmcli"): string {
    if (method === "helm") {
        const plain = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
        if (!plain) {
            throw new Error(
                `Istio version "${version}" cannot name a Helm revision; expected MAJOR.MINOR.PATCH, e.g. "1.28.1"`,
            );
        }
        return `${plain[1]}-${plain[2]}-${plain[3]}`;
    }
    // asmcli concatenates the digits, so only a one-digit major and a two-digit minor can be read back.
    const asm = /^(\d)\.(\d{2})\.(\d+)-asm\.(\d+)$/.exec(version);
    if (!asm) {
        throw new Error(
            `ASM version "${version}" cannot name an asmcli revision; expected MAJOR.MINOR.POINT-asm.REV with a one-digit ` +
                `major and two-digit minor, e.g. "1.19.10-asm.26"`,
        );
    }
    return `asm-${asm[1]}${asm[2]}${asm[3]}-${asm[4]}`;
}

/** DNS-1123 label: lower-case alphanumerics and "-", starting and ending alphanumeric, at most 63 characters
 *  (Kubernetes validation; a revision name is part of object names such as the istiod-<revision> Service, so it
 *  must be such a label). */
export function isDns1123Label(text: string): boolean {
    return typeof text === "string" && text.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(text);
}
