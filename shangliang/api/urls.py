"""The JSON API under /api/v1/ with its OpenAPI schema at /api/v1/openapi.json and docs at /api/v1/docs."""

from ninja import NinjaAPI

from shangliang.text.apis import router as text_router

api = NinjaAPI(title="商量 API", version="1", urls_namespace="api")
api.add_router("/text/", text_router)
