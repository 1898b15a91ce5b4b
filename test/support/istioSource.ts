/**
 * Istio's own source tree, for tests that check nativemesh against upstream files (the injector's golden files,
 * the istiod chart's templates) without copying them into this repository: the istio.io/istio module the
 * end-to-end build downloads into the Go module cache, at the version e2e/versions.env pins. `ISTIO_SOURCE=DIR`
 * names another checkout. Absent, the tests that need it are skipped, their title saying why.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

function moduleVersion(): string | undefined {
    const env = fs.readFileSync(path.join(ROOT, "e2e", "versions.env"), "utf8");
    return /^ISTIO_MODULE_VERSION=(\S+)$/m.exec(env)?.[1];
}

/** Where the Istio source is looked for. */
export function istioSourceDir(): string {
    if (process.env.ISTIO_SOURCE) return process.env.ISTIO_SOURCE;
    const modcache =
        process.env.GOMODCACHE || path.join(process.env.GOPATH || path.join(os.homedir(), "go"), "pkg", "mod");
    return path.join(modcache, "istio.io", `istio@${moduleVersion() ?? "unknown"}`);
}

/** A folder of the Istio source, or undefined with the one-line reason it is missing. */
export function istioSource(relative: string): { dir?: string; skipped?: string } {
    const dir = path.join(istioSourceDir(), relative);
    if (fs.existsSync(dir)) return { dir };
    return { skipped: `skipped: ${dir} is absent (the e2e build downloads istio.io/istio; or set ISTIO_SOURCE)` };
}
