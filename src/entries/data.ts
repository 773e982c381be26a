/**
 * glassbox/data: your own tabular data from CSV files. (The module lives in src/datasets beside the
 * bundled data sets; this entry publishes the CSV part only.)
 */
export { loadCsv, parseCsv, encodeCsvRecord, csvModelRows, type CsvTable, type CsvOptions } from '../datasets/csv.js';
export type { TabularDataset, TabularSplit } from '../datasets/types.js';
