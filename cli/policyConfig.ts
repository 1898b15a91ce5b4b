import * as fs from "node:fs";
import { UsageError } from "./stackFile";

/**
 * Reads a policy-pack config file: the JSON `pulumi preview --policy-pack-config FILE` takes
 * (`{"all": "advisory", "<policy>": {"enforcementLevel": "disabled", ...}}`). Its content is checked by the
 * pack (evaluatePolicies); here only that it is a readable JSON object.
 */
export function readPolicyConfig(file: string): Record<string, unknown> {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new UsageError(
            `${file}: cannot read the policy config (${code === "ENOENT" ? "no such file" : (code ?? "error")})`,
        );
    }
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch (err) {
        throw new UsageError(`${file}: the policy config is not JSON (${(err as Error).message})`);
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
        throw new UsageError(
            `${file}: the policy config must be a JSON object like {"all": "mandatory", "<policy>": {...}}`,
        );
    }
    return value as Record<string, unknown>;
}
