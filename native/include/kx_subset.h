/*
 * kx_subset.h - helpers for the vendor header subsets in this directory.
 *
 * Each subset header lists enum values once, as an X-macro. Normally the list
 * defines the enum. With -DKX_SDK_CHECK (native/check-sdk.sh) the real SDK
 * headers are included first; the subset then defines no types and instead
 * asserts every value against the SDK's, and redeclares every function, so a
 * different signature is a compile error.
 */
#ifndef KX_SUBSET_H
#define KX_SUBSET_H

#define KX_ENUM_ITEM(name, value) name = (value),

#ifdef __cplusplus
#define KX_ENUM_CHECK(name, value) static_assert((long long)(name) == (long long)(value), #name " differs from the SDK");
#else
#define KX_ENUM_CHECK(name, value) _Static_assert((long long)(name) == (long long)(value), #name " differs from the SDK");
#endif

#endif
