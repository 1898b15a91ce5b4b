/**
 * `mesh.allowRemoval`: the revisions the update-time guard (components/live/guard.ts) lets go although the live
 * cluster still uses them. What the configuration alone can tell is checked here (pure); that each names a
 * revision installed on the cluster is checked by the guard, which reads it.
 */
import type { RevisionPlan, RevisionProblem } from "./revisions";

export function allowRemovalProblems(allowRemoval: string[], plan: RevisionPlan): RevisionProblem[] {
    const problems: RevisionProblem[] = [];
    const installed = plan.revisions.map((r) => r.revision);
    allowRemoval.forEach((name, i) => {
        const path = ["mesh", "allowRemoval", i];
        if (installed.includes(name))
            problems.push({
                path,
                message: `'${name}' is installed by this configuration (mesh.revisions [${installed.join(", ")}]): allowRemoval names a revision the update removes`,
            });
        else if (allowRemoval.indexOf(name) !== i) problems.push({ path, message: `'${name}' is listed twice` });
    });
    return problems;
}
