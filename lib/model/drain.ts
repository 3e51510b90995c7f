/**
 * Extra time a manager gets after its longest job, to upload artifacts and clean up the job pod. The renderer adds it
 * to grace periods; the manifests diff subtracts it to recover the job timeout. A module of its own, so the diff tool
 * can read it without loading the definitions' schema library.
 */
export const DRAIN_MARGIN_SECONDS = 300;
