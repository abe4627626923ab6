/* test_field_format.c - the format keys of localized inputs: the chart's `countries`, the
 * `postcode` field type and a date field's `min_days` / `max_days`, as the loader reads
 * them into the model and as the validator refuses or warns about them.
 *
 * Each case is a chart built from one template with two holes: extra root keys and the
 * one field of its input node.
 */
#include <stdio.h>
#include <string.h>

#include "fieldflow/chart.h"
#include "harness.h"

static const char tmpl[] =
    "{\"format\":1,\"id\":\"t\",\"version\":1,\"title\":{\"en\":\"T\"},\"category\":\"x\","
    "\"audience\":\"desk\",\"touchpoints\":[\"telephone\"],\"locales\":[\"en\"]%s,"
    "\"nodes\":[{\"id\":\"s\",\"kind\":\"start\",\"title\":{\"en\":\"S\"},\"next\":\"f\"},"
    "{\"id\":\"f\",\"kind\":\"input\",\"title\":{\"en\":\"F\"},\"fields\":[%s],\"next\":\"e\"},"
    "{\"id\":\"e\",\"kind\":\"end\",\"title\":{\"en\":\"E\"},\"outcome\":\"resolved\","
    "\"success\":true}]}";

struct fcase {
    const char *root;  /* extra root keys, starting with ',' or "" */
    const char *field; /* the field object */
    enum ff_err want;
    const char *code; /* the first finding's code, or NULL for none */
    const char *path; /* its JSON path, or NULL */
};

static const struct fcase cases[] = {
    {",\"countries\":[\"DK\",\"ES\",\"GB\"]",
     "{\"name\":\"p\",\"type\":\"postcode\",\"label\":{\"en\":\"P\"}}", FF_OK, NULL, NULL},
    {"",
     "{\"name\":\"d\",\"type\":\"date\",\"min_days\":0,\"max_days\":90,\"label\":{\"en\":\"D\"}}",
     FF_OK, NULL, NULL},
    {",\"countries\":[\"dk\"]", "{\"name\":\"p\",\"type\":\"phone\",\"label\":{\"en\":\"P\"}}",
     FF_EINVALID, "bad-country", "$.countries[0]"},
    {",\"countries\":[\"DNK\"]", "{\"name\":\"p\",\"type\":\"phone\",\"label\":{\"en\":\"P\"}}",
     FF_EINVALID, "bad-country", "$.countries[0]"},
    {",\"countries\":[\"DK\",7]", "{\"name\":\"p\",\"type\":\"phone\",\"label\":{\"en\":\"P\"}}",
     FF_EINVALID, "bad-country", "$.countries[1]"},
    {",\"countries\":[\"DK\",\"DK\"]",
     "{\"name\":\"p\",\"type\":\"phone\",\"label\":{\"en\":\"P\"}}", FF_EINVALID,
     "duplicate-country", "$.countries[1]"},
    {",\"countries\":\"DK\"", "{\"name\":\"p\",\"type\":\"phone\",\"label\":{\"en\":\"P\"}}",
     FF_EINVALID, "wrong-type", "$.countries"},
    {",\"countries\":[\"SE\"]", "{\"name\":\"p\",\"type\":\"phone\",\"label\":{\"en\":\"P\"}}",
     FF_OK, "unchecked-country", "$.countries[0]"},
    {"", "{\"name\":\"p\",\"type\":\"postcode\",\"label\":{\"en\":\"P\"}}", FF_OK,
     "postcode-no-country", "$.nodes[1].fields[0]"},
    {"", "{\"name\":\"d\",\"type\":\"text\",\"min_days\":0,\"label\":{\"en\":\"D\"}}", FF_EINVALID,
     "days-type", "$.nodes[1].fields[0].min_days"},
    {"", "{\"name\":\"d\",\"type\":\"number\",\"max_days\":3,\"label\":{\"en\":\"D\"}}",
     FF_EINVALID, "days-type", "$.nodes[1].fields[0].max_days"},
    {"",
     "{\"name\":\"d\",\"type\":\"date\",\"min_days\":5,\"max_days\":4,\"label\":{\"en\":\"D\"}}",
     FF_EINVALID, "min-max", "$.nodes[1].fields[0].min_days"},
    {"", "{\"name\":\"d\",\"type\":\"date\",\"min_days\":0.5,\"label\":{\"en\":\"D\"}}",
     FF_EINVALID, "wrong-type", "$.nodes[1].fields[0].min_days"},
    {"", "{\"name\":\"d\",\"type\":\"date\",\"max_days\":36601,\"label\":{\"en\":\"D\"}}",
     FF_EINVALID, "out-of-range", "$.nodes[1].fields[0].max_days"},
    {"", "{\"name\":\"d\",\"type\":\"date\",\"min_days\":\"0\",\"label\":{\"en\":\"D\"}}",
     FF_EINVALID, "wrong-type", "$.nodes[1].fields[0].min_days"},
    {",\"countries\":[\"DK\"]",
     "{\"name\":\"p\",\"type\":\"postcode\",\"min\":4,\"label\":{\"en\":\"P\"}}", FF_EINVALID,
     "bounds-type", "$.nodes[1].fields[0].min"},
    {",\"countries\":[\"DK\"]",
     "{\"name\":\"p\",\"type\":\"postcode\",\"pattern\":\"[0-9]+\",\"label\":{\"en\":\"P\"}}",
     FF_EINVALID, "pattern-type", "$.nodes[1].fields[0].pattern"},
};

static enum ff_err parse_case(const char *root, const char *field, struct ff_diags *d,
                              struct ff_chart **out)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, tmpl, root, field);
    return ff_chart_parse(buf, strlen(buf), "t.json", d, out);
}

static void test_cases(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct fcase *k = &cases[i];
        struct ff_diags d;
        struct ff_chart *c = NULL;
        ff_diags_init(&d);
        enum ff_err err = parse_case(k->root, k->field, &d, &c);
        char what[64];
        snprintf(what, sizeof what, "case %zu", i);
        CHECK_MSG(err == k->want, what);
        if (k->code) {
            CHECK_MSG(d.n >= 1, what);
            if (d.n >= 1) {
                CHECK_STR(d.v[0].code, k->code);
                CHECK_STR(d.v[0].path, k->path);
                CHECK(d.v[0].pos.line > 0);
            }
        } else {
            CHECK_INT(d.n, 0);
        }
        ff_chart_free(c);
        ff_diags_free(&d);
    }
}

static void test_model(void)
{
    struct ff_diags d;
    struct ff_chart *c = NULL;
    ff_diags_init(&d);
    CHECK_INT(parse_case(",\"countries\":[\"GB\",\"DK\"]",
                         "{\"name\":\"d\",\"type\":\"date\",\"min_days\":-2,\"max_days\":30,"
                         "\"label\":{\"en\":\"D\"}}",
                         &d, &c),
              FF_OK);
    if (c) {
        CHECK_INT(c->ncountries, 2);
        CHECK_STR(c->countries[0], "GB");
        CHECK_STR(c->countries[1], "DK");
        const struct ff_field *f = &c->nodes[1].fields[0];
        CHECK_INT(f->type, FF_FIELD_DATE);
        CHECK(f->has_min_days && f->has_max_days);
        CHECK_INT(f->min_days, -2);
        CHECK_INT(f->max_days, 30);
    }
    ff_chart_free(c);
    c = NULL;
    CHECK_INT(parse_case("", "{\"name\":\"p\",\"type\":\"date\",\"label\":{\"en\":\"P\"}}", &d, &c),
              FF_OK);
    if (c) {
        CHECK_INT(c->ncountries, 0);
        CHECK(!c->nodes[1].fields[0].has_min_days && !c->nodes[1].fields[0].has_max_days);
    }
    ff_chart_free(c);
    c = NULL;
    CHECK_INT(parse_case(",\"countries\":[\"ES\"]",
                         "{\"name\":\"p\",\"type\":\"postcode\",\"label\":{\"en\":\"P\"}}", &d, &c),
              FF_OK);
    if (c)
        CHECK_STR(ff_field_type_name(c->nodes[1].fields[0].type), "postcode");
    ff_chart_free(c);
    ff_diags_free(&d);
}

int main(void)
{
    test_cases();
    test_model();
    return ff_test_finish();
}
