"""The requests of spreadsheets.batchUpdate, by kind. Each handler is ``(spreadsheet, payload, where,
email) -> reply``: ``where`` starts its error messages (``"Invalid requests[0].addSheet: "``), ``email`` is
the caller. The batch is applied in order and undone as a whole when a request fails."""

from __future__ import annotations

from . import cells, charts, dimensions, metadata, objects, sheets

BATCH_REQUESTS = {
    "addSheet": sheets.req_add_sheet,
    "deleteSheet": sheets.req_delete_sheet,
    "updateSheetProperties": sheets.req_update_sheet_properties,
    "updateSpreadsheetProperties": sheets.req_update_spreadsheet_properties,
    "repeatCell": cells.req_repeat_cell,
    "updateCells": cells.req_update_cells,
    "setDataValidation": cells.req_set_data_validation,
    "addProtectedRange": objects.req_add_protected_range,
    "deleteProtectedRange": objects.req_delete_protected_range,
    "addConditionalFormatRule": objects.req_add_conditional_format_rule,
    "insertDimension": dimensions.req_insert_dimension,
    "deleteDimension": dimensions.req_delete_dimension,
    "appendDimension": dimensions.req_append_dimension,
    "mergeCells": objects.req_merge_cells,
    "unmergeCells": objects.req_unmerge_cells,
    "setBasicFilter": objects.req_set_basic_filter,
    "clearBasicFilter": objects.req_clear_basic_filter,
    "updateDimensionProperties": dimensions.req_update_dimension_properties,
    "createDeveloperMetadata": metadata.req_create_developer_metadata,
    "updateDeveloperMetadata": metadata.req_update_developer_metadata,
    "deleteDeveloperMetadata": metadata.req_delete_developer_metadata,
    "addChart": charts.req_add_chart,
    "updateChartSpec": charts.req_update_chart_spec,
    "updateEmbeddedObjectPosition": charts.req_update_embedded_object_position,
    "deleteEmbeddedObject": charts.req_delete_embedded_object,
    "autoResizeDimensions": dimensions.req_cosmetic,
    "updateBorders": dimensions.req_cosmetic,
}
