/** Receives a run of written pages: indexes into the write working set. */
export type PageRunSink = (firstPage: number, pageCount: number) => void;
