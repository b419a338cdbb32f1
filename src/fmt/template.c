/* template.c - the registry of formal message templates (template.h).
 *
 * The templates are static tables: adding one is adding a table here and
 * a section in docs/TEMPLATES.md.  A template that changes its fields in a
 * way an older node would refuse takes the next version.
 *
 * SECURITY: a form comes from a person or a peer; template_check reads it
 * with jansson (duplicates refused, so no two readers see two values) and
 * quotes nothing of it in a why beyond the member's name, cut and escaped.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "fmt/template.h"
#include "util/text.h"
#include "fmt/why.h"
#include "util/stamp.h"

struct field {
	const char *name;
	enum template_type type;
	int required;
	size_t min, max;	/* bytes of a text or of each list element */
	size_t items_max;	/* elements of a list */
	const char *const *choices;
	const char *label[TEMPLATE_LANGS];
};

struct template {
	const char *name;
	int version;
	const char *title[TEMPLATE_LANGS];
	const char *subject_field;	/* NULL: subject_fixed */
	const char *subject_fixed;
	size_t n_fields;
	const struct field *fields;
};

static const char *const langs[TEMPLATE_LANGS] = { "en", "fr", "ru", "zh", "es", "ar" };
static const char *const types[] = { "text", "time", "choice", "list" };

static const char *const sectors[] = { "energy", "water", "health", "finance", "transport",
	"communications", "government", "other", NULL };
static const char *const levels[] = { "low", "medium", "high", "critical", NULL };

#define TEXT(n, req, mx) .name = n, .type = TEMPLATE_TEXT, .required = req, .min = 1, .max = mx
#define TIME(n, req) .name = n, .type = TEMPLATE_TIME, .required = req
#define CHOICE(n, req, c) .name = n, .type = TEMPLATE_CHOICE, .required = req, .choices = c
#define LIST(n, req, items, mx) .name = n, .type = TEMPLATE_LIST, .required = req, .min = 1, \
	.max = mx, .items_max = items

#define L_REPLY_BY { "Reply requested by", "Réponse souhaitée avant le", "Ответить до", \
	"请在此时间前答复", "Responder antes de", "يُرجى الرد قبل" }

static const struct field incident_fields[] = {
	{ TEXT("observed", 1, 4000), .label = { "What was observed", "Ce qui a été observé",
	    "Что наблюдалось", "观察到的情况", "Lo observado", "ما تمت ملاحظته" } },
	{ TIME("observed_at", 1), .label = { "When it was observed",
	    "Date et heure de l'observation", "Время обнаружения", "观察时间",
	    "Fecha y hora de la observación", "وقت الملاحظة" } },
	{ CHOICE("sector", 1, sectors), .label = { "Sector", "Secteur", "Сектор", "行业领域",
	    "Sector", "القطاع" } },
	{ TEXT("systems", 1, 2000), .label = { "Systems affected", "Systèmes touchés",
	    "Затронутые системы", "受影响的系统", "Sistemas afectados", "الأنظمة المتأثرة" } },
	{ CHOICE("severity", 1, levels), .label = { "Severity", "Gravité",
	    "Степень серьёзности", "严重程度", "Gravedad", "درجة الخطورة" } },
	{ LIST("indicators", 0, 64, 500), .label = { "Indicators of compromise",
	    "Indicateurs de compromission", "Индикаторы компрометации", "入侵指标",
	    "Indicadores de compromiso", "مؤشرات الاختراق" } },
	{ TEXT("actions_taken", 0, 4000), .label = { "Actions taken", "Mesures prises",
	    "Принятые меры", "已采取的措施", "Medidas adoptadas", "الإجراءات المتخذة" } },
	{ TEXT("action_requested", 1, 2000), .label = { "Action requested", "Mesure demandée",
	    "Запрашиваемые действия", "请求采取的行动", "Medida solicitada",
	    "الإجراء المطلوب" } },
	{ TIME("reply_by", 0), .label = L_REPLY_BY },
};

static const struct field inquiry_fields[] = {
	{ TEXT("activity", 1, 4000), .label = { "Activity in question", "Activité concernée",
	    "Рассматриваемая деятельность", "所涉活动", "Actividad en cuestión",
	    "النشاط المعني" } },
	{ LIST("questions", 1, 20, 2000), .label = { "Questions", "Questions", "Вопросы",
	    "问题", "Preguntas", "الأسئلة" } },
	{ TIME("reply_by", 0), .label = L_REPLY_BY },
};

static const struct field assistance_fields[] = {
	{ TEXT("situation", 1, 4000), .label = { "Situation", "Situation", "Обстановка",
	    "情况", "Situación", "الوضع" } },
	{ TEXT("assistance", 1, 2000), .label = { "Assistance requested", "Assistance demandée",
	    "Запрашиваемая помощь", "所需援助", "Asistencia solicitada", "المساعدة المطلوبة" } },
	{ CHOICE("urgency", 1, levels), .label = { "Urgency", "Urgence", "Срочность",
	    "紧急程度", "Urgencia", "درجة الاستعجال" } },
	{ TIME("reply_by", 0), .label = L_REPLY_BY },
};

static const struct field reply_fields[] = {
	{ TEXT("answer", 1, 8000), .label = { "Answer", "Réponse", "Ответ", "答复内容",
	    "Respuesta", "الرد" } },
	{ LIST("references", 0, 20, 500), .label = { "References", "Références", "Ссылки",
	    "参考资料", "Referencias", "المراجع" } },
};

static const struct field check_fields[] = {
	{ TEXT("note", 0, 500), .label = { "Note", "Remarque", "Примечание", "备注", "Nota",
	    "ملاحظة" } },
};

static const struct field goodwill_fields[] = {
	{ TEXT("message", 1, 2000), .label = { "Message", "Message", "Сообщение", "内容",
	    "Mensaje", "الرسالة" } },
};

#define FIELDS(a) sizeof a / sizeof a[0], a

static const struct template templates[] = {
	{ "incident-notification", 1, { "Incident notification", "Notification d'incident",
	    "Уведомление об инциденте", "事件通报", "Notificación de incidente",
	    "إخطار بحادث" }, "observed", NULL, FIELDS(incident_fields) },
	{ "inquiry", 1, { "Inquiry", "Demande d'information", "Запрос информации", "询问",
	    "Consulta", "استفسار" }, "activity", NULL, FIELDS(inquiry_fields) },
	{ "request-for-assistance", 1, { "Request for assistance", "Demande d'assistance",
	    "Запрос о помощи", "援助请求", "Solicitud de asistencia", "طلب مساعدة" },
	    "situation", NULL, FIELDS(assistance_fields) },
	{ "reply", 1, { "Reply", "Réponse", "Ответ", "答复", "Respuesta", "رد" }, "answer", NULL,
	    FIELDS(reply_fields) },
	{ "comm-check", 1, { "Communication check", "Vérification des communications",
	    "Проверка связи", "通信检查", "Comprobación de comunicaciones", "اختبار الاتصال" },
	    NULL, "communication check", FIELDS(check_fields) },
	{ "goodwill", 1, { "Goodwill message", "Message de bonne volonté",
	    "Послание доброй воли", "善意致意", "Mensaje de buena voluntad", "رسالة حسن نية" },
	    "message", NULL, FIELDS(goodwill_fields) },
};

#define N_TEMPLATES (sizeof templates / sizeof templates[0])

size_t
template_count(void)
{
	return N_TEMPLATES;
}

const struct template *
template_at(size_t i)
{
	return i < N_TEMPLATES ? &templates[i] : NULL;
}

const struct template *
template_find(const char *name)
{
	for (size_t i = 0; i < N_TEMPLATES; i++)
		if (strcmp(name, templates[i].name) == 0)
			return &templates[i];
	return NULL;
}

status
template_lang_parse(const char *code, enum template_lang *out)
{
	for (int l = 0; l < TEMPLATE_LANGS; l++)
		if (strcmp(code, langs[l]) == 0) {
			*out = (enum template_lang)l;
			return ST_OK;
		}
	return ST_PARSE;
}

const char *
template_lang_code(enum template_lang l)
{
	return (unsigned)l < TEMPLATE_LANGS ? langs[l] : "?";
}

const char *
template_name(const struct template *t)
{
	return t->name;
}

int
template_version(const struct template *t)
{
	return t->version;
}

const char *
template_title(const struct template *t, enum template_lang l)
{
	return t->title[(unsigned)l < TEMPLATE_LANGS ? l : TEMPLATE_EN];
}

size_t
template_n_fields(const struct template *t)
{
	return t->n_fields;
}

const char *
template_field_name(const struct template *t, size_t i)
{
	return t->fields[i].name;
}

enum template_type
template_field_type(const struct template *t, size_t i)
{
	return t->fields[i].type;
}

const char *
template_type_name(enum template_type ty)
{
	return (unsigned)ty < sizeof types / sizeof types[0] ? types[ty] : "?";
}

int
template_field_required(const struct template *t, size_t i)
{
	return t->fields[i].required;
}

size_t
template_field_min(const struct template *t, size_t i)
{
	return t->fields[i].min;
}

size_t
template_field_max(const struct template *t, size_t i)
{
	return t->fields[i].max;
}

size_t
template_field_items_max(const struct template *t, size_t i)
{
	return t->fields[i].items_max;
}

const char *
template_field_label(const struct template *t, size_t i, enum template_lang l)
{
	return t->fields[i].label[(unsigned)l < TEMPLATE_LANGS ? l : TEMPLATE_EN];
}

const char *const *
template_field_choices(const struct template *t, size_t i)
{
	return t->fields[i].choices;
}

static const struct field *
field_of(const struct template *t, const char *name)
{
	for (size_t i = 0; i < t->n_fields; i++)
		if (strcmp(name, t->fields[i].name) == 0)
			return &t->fields[i];
	return NULL;
}

/* text_ok - a text of f's limits at path: jansson has checked its UTF-8
 * already; no control character but newline (and no DEL). */
static status
text_ok(const struct field *f, json_t *v, const char *path, char *why)
{
	size_t n, at;

	if (!json_is_string(v))
		return why_fail(why, TEMPLATE_WHY_MAX, ST_INVALID, path, "not a string");
	n = json_string_length(v);
	if (n < f->min)
		return why_fail(why, TEMPLATE_WHY_MAX, ST_INVALID, path, "empty");
	if (n > f->max)
		return why_fail(why, TEMPLATE_WHY_MAX, ST_INVALID, path, "longer than %zu bytes",
		    f->max);
	at = why_control_at(json_string_value(v), n, 1);
	if (at < n)
		return why_fail(why, TEMPLATE_WHY_MAX, ST_INVALID, path,
		    "control character at byte %zu", at);
	return ST_OK;
}

static status
value_ok(const struct field *f, json_t *v, char *why)
{
	char path[64];
	int64_t ms;
	size_t i;
	json_t *x;
	status rc;

	switch (f->type) {
	case TEMPLATE_TEXT:
		return text_ok(f, v, f->name, why);
	case TEMPLATE_TIME:
		if (!json_is_string(v) || stamp_parse(json_string_value(v), &ms) != ST_OK)
			return why_fail(why, TEMPLATE_WHY_MAX, ST_INVALID, f->name,
			    "not a time (YYYY-MM-DDTHH:MM:SS[.fff]Z)");
		return ST_OK;
	case TEMPLATE_CHOICE:
		if (json_is_string(v))
			for (const char *const *c = f->choices; *c; c++)
				if (strcmp(json_string_value(v), *c) == 0)
					return ST_OK;
		{
			char list[160] = "";
			size_t at = 0;

			for (const char *const *c = f->choices; *c && at < sizeof list; c++) {
				int k = snprintf(list + at, sizeof list - at, "%s%s",
				    c == f->choices ? "" : ", ", *c);
				if (k < 0)
					break;
				at += (size_t)k;
			}
			return why_fail(why, TEMPLATE_WHY_MAX, ST_INVALID, f->name,
			    "not one of %s", list);
		}
	case TEMPLATE_LIST:
		if (!json_is_array(v))
			return why_fail(why, TEMPLATE_WHY_MAX, ST_INVALID, f->name,
			    "not an array");
		if (json_array_size(v) == 0)
			return why_fail(why, TEMPLATE_WHY_MAX, ST_INVALID, f->name, "empty list");
		if (json_array_size(v) > f->items_max)
			return why_fail(why, TEMPLATE_WHY_MAX, ST_INVALID, f->name,
			    "more than %zu elements", f->items_max);
		json_array_foreach(v, i, x) {
			snprintf(path, sizeof path, "%s[%zu]", f->name, i);
			rc = text_ok(f, x, path, why);
			if (rc)
				return rc;
		}
		return ST_OK;
	}
	return why_fail(why, TEMPLATE_WHY_MAX, ST_INVALID, f->name, "unknown type");
}

status
template_check_json(const struct template *t, const json_t *root,
    char why[static TEMPLATE_WHY_MAX])
{
	char shown[WHY_SHOWN_MAX + 4];
	const char *k;
	json_t *v;

	why[0] = '\0';
	if (!json_is_object(root))
		return why_fail(why, TEMPLATE_WHY_MAX, ST_PARSE, "form", "not a JSON object");
	json_object_foreach((json_t *)root, k, v)
		if (!field_of(t, k))
			return why_fail(why, TEMPLATE_WHY_MAX, ST_INVALID, why_shown(k, shown),
			    "unknown member");
	for (size_t i = 0; i < t->n_fields; i++) {
		const struct field *f = &t->fields[i];
		status rc;

		v = json_object_get(root, f->name);
		if (!v) {
			if (f->required)
				return why_fail(why, TEMPLATE_WHY_MAX, ST_INVALID, f->name,
				    "missing");
			continue;
		}
		if ((rc = value_ok(f, v, why)) != ST_OK)
			return rc;
	}
	return ST_OK;
}

status
template_check_value(const struct template *t, size_t i, const json_t *v,
    char why[static TEMPLATE_WHY_MAX])
{
	why[0] = '\0';
	return value_ok(&t->fields[i], (json_t *)v, why);
}

status
template_check(const struct template *t, const char *form, size_t n,
    char why[static TEMPLATE_WHY_MAX])
{
	char shown[WHY_SHOWN_MAX + 4];
	json_error_t err;
	json_t *root;
	status rc;

	why[0] = '\0';
	if (n > TEMPLATE_FORM_MAX)
		return why_fail(why, TEMPLATE_WHY_MAX, ST_TOOBIG, "form",
		    "%zu bytes, over the %d allowed", n, TEMPLATE_FORM_MAX);
	root = json_loadb(form, n, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
	if (!root)
		return why_fail(why, TEMPLATE_WHY_MAX, ST_PARSE, "form",
		    "not JSON: %s (line %d, column %d)", why_shown(err.text, shown), err.line,
		    err.column);
	rc = template_check_json(t, root, why);
	json_decref(root);
	return rc;
}

status
template_subject(const struct template *t, const char *form, char *out, size_t cap)
{
	json_t *root, *v;
	const char *s;
	size_t n, i;

	if (cap)
		out[0] = '\0';
	if (cap < TEMPLATE_SUBJECT_MAX + 1)
		return ST_TOOBIG;
	if (!t->subject_field) {
		snprintf(out, cap, "%s", t->subject_fixed);
		return ST_OK;
	}
	root = json_loads(form, JSON_REJECT_DUPLICATES, NULL);
	if (!root)
		return ST_PARSE;
	v = json_object_get(root, t->subject_field);
	if (!json_is_string(v)) {
		json_decref(root);
		return ST_INVALID;
	}
	s = json_string_value(v);
	n = json_string_length(v);
	if (n > TEMPLATE_SUBJECT_MAX)	/* cut at a character's start */
		n = text_utf8_prefix(s, TEMPLATE_SUBJECT_MAX);
	for (i = 0; i < n; i++)
		out[i] = s[i] == '\n' ? ' ' : s[i];
	out[n] = '\0';
	json_decref(root);
	return ST_OK;
}
