/** @module Elasticsearch templates, ILM policy and setup (being built). */
export {}
