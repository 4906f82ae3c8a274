export { importPortmap, type ImportOptions, type ImportResult } from './import.js';
export { exportPortmap } from './export.js';
export { PortmapError } from './site-file.js';
export { parseCsv, formatCsv, type CsvRecord, type CsvProblem } from './csv.js';
