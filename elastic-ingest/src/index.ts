/** @module @sentinel/elastic-ingest: what Sentinel installs into Elasticsearch and Kibana. */
export * from './elastic/index.js'
export * from './kibana/index.js'
