/** @module Kibana saved objects and setup (being built). */
export {}
