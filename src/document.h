/*
 * document.h
 *		The API's documents of rows a query returns as plain columns
 *		(document.c), for the C read paths (inzage.c).
 */
#ifndef VWL_DOCUMENT_H
#define VWL_DOCUMENT_H

#include "access/tupdesc.h"
#include "utils/jsonb.h"

typedef struct VwlDocColumns VwlDocColumns;

/*
 * The columns a query selects for documents, in this order: the object's
 * (its document's columns, then object_versleuteld and object_pseudoniem),
 * then the version's.
 */
extern const char *const *vwl_doc_object_columns(int *aantal);
extern const char *const *vwl_doc_version_columns(int *aantal);

/*
 * The layout of the query's result desc, object columns from column eerste;
 * afnemer: the column of afnemer_versleuteld (-1: none).
 */
extern VwlDocColumns *vwl_doc_columns(TupleDesc desc, int eerste, int afnemer,
									  MemoryContext mcxt);

/* The inzage document (VerwerktObjectUitgebreid) of one deformed row. */
extern Jsonb *vwl_doc_inzage(VwlDocColumns *c, Datum *waarden, bool *nulls);

/*
 * The full document (VerwerkingsactieUitgebreid) of the version of one
 * deformed row, with the objects of aantal deformed rows, in that order.
 */
extern Jsonb *vwl_doc_full(VwlDocColumns *c, Datum *waarden, bool *nulls,
						   int aantal, Datum **objecten, bool **objecten_nulls);

#endif							/* VWL_DOCUMENT_H */
