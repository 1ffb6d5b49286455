/**
 * @module Lens XY charts (`lens` saved objects) on the form-based datasource: one data layer with an
 * x axis (time or top values), one metric and an optional breakdown, plus an optional reference line.
 */
import { savedObject } from '../saved-object.js'
import type { SavedObject, SavedObjectReference } from '../saved-object.js'

/** Reference name Lens gives the data view of form-based layer `layerId`. */
export function layerReferenceName(layerId: string): string {
  return `indexpattern-datasource-layer-${layerId}`
}

/** Top values of a field. */
export interface TermsAxis {
  field: string
  size: number
}

/** The x axis: time buckets, or the top values of a field. */
export type XAxis = { time: true } | { terms: TermsAxis }

/** The plotted value. */
export type Metric = { count: true } | { max: string } | { average: string }

/** What differs between Sentinel's Lens charts. */
export interface LensXySpec {
  id: string
  title: string
  description: string
  dataView: SavedObject
  /** KQL applied to the whole chart; empty for all documents. */
  query?: string
  seriesType: 'bar_stacked' | 'bar_horizontal_stacked' | 'line' | 'area_stacked'
  x: XAxis
  metric: Metric
  /** Splits the series by the top values of a field. */
  breakdown?: TermsAxis
  /** Draws a horizontal line at this value (for example an alerting threshold). */
  threshold?: { value: number; label: string }
}

const DATA_LAYER = 'data'
const THRESHOLD_LAYER = 'threshold'
const X = 'x'
const Y = 'y'
const BREAKDOWN = 'breakdown'
const THRESHOLD = 'threshold-value'

function termsColumn(axis: TermsAxis, orderBy: string): Record<string, unknown> {
  return {
    label: `Top ${axis.size} values of ${axis.field}`,
    dataType: 'string',
    operationType: 'terms',
    sourceField: axis.field,
    isBucketed: true,
    scale: 'ordinal',
    params: {
      size: axis.size,
      orderBy: { type: 'column', columnId: orderBy },
      orderDirection: 'desc',
      otherBucket: true,
      missingBucket: false,
      parentFormat: { id: 'terms' },
      include: [],
      exclude: [],
      includeIsRegex: false,
      excludeIsRegex: false,
    },
  }
}

function xColumn(x: XAxis): Record<string, unknown> {
  if ('time' in x) {
    return {
      label: '@timestamp',
      dataType: 'date',
      operationType: 'date_histogram',
      sourceField: '@timestamp',
      isBucketed: true,
      scale: 'interval',
      params: { interval: 'auto', includeEmptyRows: true, dropPartials: false },
    }
  }
  return termsColumn(x.terms, Y)
}

function metricColumn(metric: Metric): Record<string, unknown> {
  if ('count' in metric) {
    return {
      label: 'Count of records',
      dataType: 'number',
      operationType: 'count',
      sourceField: '___records___',
      isBucketed: false,
      scale: 'ratio',
      params: { emptyAsNull: true },
    }
  }
  const [operationType, field, word] =
    'max' in metric ? ['max', metric.max, 'Maximum'] : ['average', metric.average, 'Average']
  return {
    label: `${word} of ${field}`,
    dataType: 'number',
    operationType,
    sourceField: field,
    isBucketed: false,
    scale: 'ratio',
    params: { emptyAsNull: true },
  }
}

/**
 * A Lens XY chart; each form-based layer points at `spec.dataView` through an
 * `indexpattern-datasource-layer-<layerId>` reference.
 * @example lensXy({ id: 'x', title: 'Events', description: '', dataView, seriesType: 'bar_stacked', x: { time: true }, metric: { count: true } })
 */
export function lensXy(spec: LensXySpec): SavedObject {
  const columns: Record<string, Record<string, unknown>> = {}
  const columnOrder: string[] = []
  if (spec.breakdown !== undefined) {
    columns[BREAKDOWN] = termsColumn(spec.breakdown, Y)
    columnOrder.push(BREAKDOWN)
  }
  columns[X] = xColumn(spec.x)
  columns[Y] = metricColumn(spec.metric)
  columnOrder.push(X, Y)

  const layers: Record<string, unknown> = {
    [DATA_LAYER]: { columns, columnOrder, incompleteColumns: {}, sampling: 1, ignoreGlobalFilters: false },
  }
  const visualizationLayers: Array<Record<string, unknown>> = [
    {
      layerId: DATA_LAYER,
      layerType: 'data',
      seriesType: spec.seriesType,
      accessors: [Y],
      xAccessor: X,
      ...(spec.breakdown !== undefined ? { splitAccessor: BREAKDOWN } : {}),
      position: 'top',
      showGridlines: false,
    },
  ]
  const references: SavedObjectReference[] = [
    { type: 'index-pattern', id: spec.dataView.id, name: layerReferenceName(DATA_LAYER) },
  ]
  if (spec.threshold !== undefined) {
    layers[THRESHOLD_LAYER] = {
      columns: {
        [THRESHOLD]: {
          label: spec.threshold.label,
          customLabel: true,
          dataType: 'number',
          operationType: 'static_value',
          isStaticValue: true,
          isBucketed: false,
          scale: 'ratio',
          params: { value: String(spec.threshold.value) },
          references: [],
        },
      },
      columnOrder: [THRESHOLD],
      incompleteColumns: {},
      sampling: 1,
      ignoreGlobalFilters: false,
      linkToLayers: [],
    }
    visualizationLayers.push({
      layerId: THRESHOLD_LAYER,
      layerType: 'referenceLine',
      accessors: [THRESHOLD],
      yConfig: [
        { forAccessor: THRESHOLD, axisMode: 'left', color: '#BD271E', lineWidth: 2, textVisibility: true },
      ],
    })
    references.push({
      type: 'index-pattern',
      id: spec.dataView.id,
      name: layerReferenceName(THRESHOLD_LAYER),
    })
  }

  return savedObject(
    'lens',
    spec.id,
    {
      title: spec.title,
      description: spec.description,
      visualizationType: 'lnsXY',
      state: {
        visualization: {
          legend: { isVisible: spec.breakdown !== undefined, position: 'right' },
          valueLabels: 'hide',
          fittingFunction: 'None',
          axisTitlesVisibilitySettings: { x: true, yLeft: true, yRight: true },
          tickLabelsVisibilitySettings: { x: true, yLeft: true, yRight: true },
          gridlinesVisibilitySettings: { x: true, yLeft: true, yRight: true },
          labelsOrientation: { x: 0, yLeft: 0, yRight: 0 },
          preferredSeriesType: spec.seriesType,
          layers: visualizationLayers,
        },
        query: { query: spec.query ?? '', language: 'kuery' },
        filters: [],
        datasourceStates: { formBased: { layers } },
        internalReferences: [],
        adHocDataViews: {},
      },
    },
    references,
  )
}
