package postgres

// schemaV4 keeps the encryption configuration of state machines and activities, and the trace header an
// execution started with, as the API echoes them. Rows from before it have none.
const schemaV4 = `
ALTER TABLE state_machines ADD COLUMN encryption bytea;
ALTER TABLE activities ADD COLUMN encryption bytea;
ALTER TABLE executions ADD COLUMN trace_header text NOT NULL DEFAULT '';
`
