// The readable policy report, shared by `audit` and `preview`: violations grouped by policy, then a verdict.

import type { Violation } from "../policy/evaluate";

function plural(count: number, word: string): string {
    if (count === 1) return `${count} ${word}`;
    return `${count} ${word.endsWith("y") ? `${word.slice(0, -1)}ies` : `${word}s`}`;
}

/** A report grouped by policy (in the order policies first report), mandatory lines first within a group. */
export function formatReport(violations: Violation[], resourceCount: number): string {
    const mandatory = violations.filter((violation) => violation.enforcementLevel === "mandatory").length;
    const advisory = violations.length - mandatory;
    const lines: string[] = [];
    if (violations.length === 0) {
        lines.push(`Policies: no violations over ${plural(resourceCount, "resource")}.`);
    } else {
        lines.push(
            `Policies: ${plural(violations.length, "violation")} (${mandatory} mandatory, ${advisory} advisory) over ${plural(resourceCount, "resource")}.`,
        );
        const groups = new Map<string, Violation[]>();
        for (const violation of violations) {
            const group = groups.get(violation.policy) ?? [];
            group.push(violation);
            groups.set(violation.policy, group);
        }
        for (const [policy, group] of groups) {
            lines.push("", `${policy} (${group.length})`);
            const ordered = [...group].sort(
                (a, b) => Number(b.enforcementLevel === "mandatory") - Number(a.enforcementLevel === "mandatory"),
            );
            for (const violation of ordered) {
                lines.push(`  [${violation.enforcementLevel}] ${violation.message}`);
                if (violation.urn) lines.push(`      ${violation.urn}`);
            }
        }
        lines.push("");
    }
    lines.push(
        mandatory > 0
            ? `Verdict: FAIL: ${plural(mandatory, "mandatory violation")} would block \`pulumi up\`.`
            : `Verdict: PASS: no mandatory violation${advisory > 0 ? ` (${plural(advisory, "advisory")} to read)` : ""}.`,
    );
    return lines.join("\n");
}
