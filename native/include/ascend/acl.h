/* AscendCL entry points (libascendcl.so): init/finalize and error text. V acl.h. */
#ifndef KX_ASCEND_ACL_H
#define KX_ASCEND_ACL_H

#include "acl_base.h"
#include "acl_rt.h"

#ifdef __cplusplus
extern "C" {
#endif

/* configPath may be NULL. A second aclInit returns ACL_ERROR_REPEAT_INITIALIZE. */
ACL_FUNC_VISIBILITY aclError aclInit(const char *configPath);
ACL_FUNC_VISIBILITY aclError aclFinalize(void);
/* The calling thread's most recent error text; NULL when there is none (I). */
ACL_FUNC_VISIBILITY const char *aclGetRecentErrMsg(void);

#ifdef __cplusplus
}
#endif
#endif /* KX_ASCEND_ACL_H */
