/**
 * Reading the files a user hands the CLI: the readers live below the CLI, in components/live/usage.ts, since the
 * update-time guard reads a kubeconfig in the same words as `status` does.
 */
export * from "../components/live/usage";
