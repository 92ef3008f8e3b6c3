import type { NextRequest } from "next/server";
import { handlers } from "@/lib/context/auth";
import { routeHandler } from "@/lib/http/route-handler";
import { asAddressed } from "@/lib/http/request-url";

export const GET = routeHandler((request: NextRequest) => handlers.GET(asAddressed(request)));
export const POST = routeHandler((request: NextRequest) => handlers.POST(asAddressed(request)));
