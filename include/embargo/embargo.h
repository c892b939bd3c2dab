/* embargo.h: the whole public API of libembargo. */
#ifndef EMBARGO_H
#define EMBARGO_H
#include "em_common.h"
#include "em_entity.h"
#include "em_lists.h"
#include "em_diff.h"
#include "em_store.h"
#include "em_update.h"
#include "em_screen.h"
#include "em_goods.h"
#include "em_ais.h"
#include "em_audit.h"
#include "em_keys.h"
#endif
