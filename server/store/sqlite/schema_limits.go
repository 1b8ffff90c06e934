package sqlite

// schemaV6 keeps the encryption configuration of state machines and activities, and the trace header an
// execution started with, as the API echoes them. Rows from before it have none.
const schemaV6 = `
ALTER TABLE state_machines ADD COLUMN encryption BLOB;
ALTER TABLE activities ADD COLUMN encryption BLOB;
ALTER TABLE executions ADD COLUMN trace_header TEXT NOT NULL DEFAULT '';
`
